package io.rigpool.local.reliability;

import io.rigpool.local.LocalStack;
import io.rigpool.local.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs batches of jobs through a running {@link LocalStack} while a {@link Fault} strikes, and counts from
 * PostgreSQL and Kafka what became of every accepted job. Shared by the CI fault suite (small batches) and the
 * reliability benchmark (the full form).
 */
public final class ReliabilityDrill {

    /**
     * How a batch is submitted.
     *
     * @param interval pause between one client's submissions, so that submissions go on during the fault
     */
    public record Load(int jobs, int maxTokens, int clients, Duration interval) {
    }

    /**
     * Worker settings for drills: the job records a SIGKILLed worker had taken are locked to it for 10 s instead of
     * the broker's default 30 s, so its unfinished jobs go to the other worker sooner.
     */
    public static final Map<String, String> FAST_TAKEOVER = Map.of("rigpool.worker.jobs.record-lock", "10s");

    private final LocalStack stack;
    private final String model;
    private final JobLedger ledger;
    private final Consumer<String> log;
    private final Duration settleWithin;

    /** @param settleWithin how long a batch may take to be accepted and finished, the fault included */
    public ReliabilityDrill(LocalStack stack, String model, Duration settleWithin, Consumer<String> log) {
        this.stack = stack;
        this.model = model;
        this.ledger = new JobLedger(stack.infrastructure());
        this.settleWithin = settleWithin;
        this.log = log;
    }

    /**
     * Submits the batch, strikes the fault once a third of it is accepted and jobs are running, waits until every
     * accepted job is finished (or the time is up) and counts. Afterwards any worker the fault killed is started
     * again and the stack is serving, so runs can follow each other.
     */
    public FaultRun run(Fault fault, Load load) {
        JobSubmitter submitter = new JobSubmitter(stack.gatewayUrl(), model, load.maxTokens(),
                fault.name() + "-" + UUID.randomUUID());
        long began = System.nanoTime();
        log.accept(fault.name() + ": submitting " + load.jobs() + " jobs");
        try (JobLoad jobs = new JobLoad(submitter, load.jobs(), load.clients(), load.interval(), settleWithin)) {
            await("a third of the jobs accepted and some running", () -> submitter.acceptedCount() >= load.jobs() / 3
                    && ledger.running(submitter.accepted()) > 0);
            fault.strike().on(new Fault.Context(stack, submitter, log));
            jobs.awaitAllAccepted(settleWithin);
        }
        Set<String> ids = submitter.accepted();
        JobLedger.Tally tally = ledger.awaitSettled(ids, settleWithin);
        double seconds = (System.nanoTime() - began) / 1e9;
        int duplicates = tally.duplicateRows() + duplicateSubmissions(submitter);
        int ranTwice = ledger.jobsReportedTwice(ids, Duration.ofMinutes(1)).size();
        if (submitter.unavailableWithoutRetryAfter() > 0) {
            throw new IllegalStateException(submitter.unavailableWithoutRetryAfter() + " refusals without"
                    + " Retry-After during " + fault.name());
        }
        FaultRun run = new FaultRun(fault.name(), ids.size(), tally.count("succeeded"),
                ids.size() - tally.count("succeeded"), duplicates, ranTwice, submitter.unavailable(), submitter.unreachable(),
                seconds, tally.byStatus());
        log.accept(run.toString());
        restoreWorkers();
        return run;
    }

    /**
     * Submits {@code load.jobs()} jobs as fast as the gateway takes them, prints the queue depth and progress
     * every few seconds, and measures the gateway's peak memory.
     */
    public BurstRun burst(Load load) {
        JobSubmitter submitter = new JobSubmitter(stack.gatewayUrl(), model, load.maxTokens(),
                "burst-" + UUID.randomUUID());
        long began = System.nanoTime();
        long deadline = began + settleWithin.toNanos();
        double acceptSeconds;
        int peakQueue = 0;
        JobLedger.Tally tally = null;
        try (JobLoad jobs = new JobLoad(submitter, load.jobs(), load.clients(), load.interval(), settleWithin)) {
            boolean allAccepted = false;
            acceptSeconds = Double.NaN;
            long lastPrint = 0;
            while (true) {
                if (!allAccepted && submitter.acceptedCount() >= load.jobs()) {
                    jobs.awaitAllAccepted(Duration.ofSeconds(5));
                    allAccepted = true;
                    acceptSeconds = (System.nanoTime() - began) / 1e9;
                }
                try {
                    tally = ledger.tally(submitter.accepted());
                } catch (SQLException e) {
                    throw new IllegalStateException("PostgreSQL unreadable during the burst", e);
                }
                peakQueue = Math.max(peakQueue, tally.count("queued"));
                long now = System.nanoTime();
                if (now - lastPrint > 5_000_000_000L || (allAccepted && tally.unfinished() == 0)) {
                    lastPrint = now;
                    int finished = tally.rows() - tally.count("queued") - tally.count("running");
                    log.accept("%6.1f s  accepted %5d  queued %5d  running %3d  finished %5d  (%.1f jobs/s)"
                            .formatted((now - began) / 1e9, submitter.acceptedCount(), tally.count("queued"),
                                    tally.count("running"), finished, finished / ((now - began) / 1e9)));
                }
                if (allAccepted && tally.unfinished() == 0) {
                    break;
                }
                if (now > deadline) {
                    log.accept("burst not finished within " + settleWithin);
                    break;
                }
                JobSubmitter.pause(Duration.ofSeconds(1));
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        Set<String> ids = submitter.accepted();
        int duplicates = tally.duplicateRows() + duplicateSubmissions(submitter);
        int ranTwice = ledger.jobsReportedTwice(ids, Duration.ofMinutes(2)).size();
        int succeeded = tally.count("succeeded");
        BurstRun burst = new BurstRun(ids.size(), succeeded, load.jobs() - succeeded, duplicates, ranTwice, seconds,
                acceptSeconds, peakQueue, succeeded / seconds, peakRssMb(stack.gateway().pid()));
        log.accept(burst.toString());
        return burst;
    }

    private int duplicateSubmissions(JobSubmitter submitter) {
        try {
            return ledger.duplicateSubmissions(submitter.runId());
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL unreadable after the run", e);
        }
    }

    /** Starts again any of the stack's workers a fault killed, and waits until the model is served. */
    private void restoreWorkers() {
        for (ServiceProcess worker : stack.workers()) {
            if (!worker.alive()) {
                log.accept("starting " + worker.name() + " again");
                worker.start().awaitReady(Duration.ofMinutes(2));
            }
        }
        stack.awaitModels(Duration.ofMinutes(2));
    }

    /** Peak resident set size of a process (VmHWM in /proc), in MB; -1 where /proc has no such figure. */
    public static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    private void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + settleWithin.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + settleWithin);
            }
            JobSubmitter.pause(Duration.ofMillis(100));
        }
    }
}
