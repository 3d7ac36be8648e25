package io.rigpool.worker.jobs;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.CancelReply;
import io.rigpool.proto.v1.CancelRequest;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.worker.runner.RunnerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs one job on a model's runner and reports it: RUNNING, the text as it is made to {@code rigpool.tokens}, then
 * exactly one terminal update, acknowledged by Kafka. A cancel stops the generation within a token and ends the job
 * CANCELLED with the text so far. When the job cannot be finished here (the runner died, Kafka did not acknowledge,
 * the worker gave it up while draining) nothing terminal is published and the job is handed back: its offset stays
 * uncommitted and Kafka delivers it again.
 */
public final class JobExecution {

    private static final Logger LOG = Logger.getLogger(JobExecution.class);
    private static final Duration RUNNER_EXIT_WAIT = Duration.ofSeconds(1);
    private static final Duration CANCEL_DEADLINE = Duration.ofSeconds(5);

    /** What became of a job. */
    public enum Outcome {
        /** A terminal update is on the broker: the job's offset may be committed. */
        REPORTED,
        /** Nothing terminal was published: the job must be delivered again. */
        HANDED_BACK
    }

    /**
     * How results and text leave this worker.
     *
     * @param runningReportDelay how long a job runs before its RUNNING update is sent (a shorter one sends it just
     *     before its end, see {@link RunningReport})
     */
    public record Reporting(String nodeId, ResultPublisher publisher, Duration publishTimeout,
            Duration tokenFlushDelay, Duration runningReportDelay, TokenStream.Timer timer) {
    }

    private final Reporting reporting;
    private final Duration jobTimeout;
    private final RunningJobs running;
    private final Clock clock;
    private final JobTally tally = new JobTally();

    public JobExecution(Reporting reporting, Duration jobTimeout, RunningJobs running, Clock clock) {
        this.reporting = reporting;
        this.jobTimeout = jobTimeout;
        this.running = running;
        this.clock = clock;
    }

    public RunningJobs running() {
        return running;
    }

    /** What this worker's jobs came to so far, for the metrics. */
    public JobTally tally() {
        return tally;
    }

    /**
     * Runs the job with a handle through which it can be cancelled or abandoned from another thread.
     *
     * @param traceId the job's trace id, copied onto everything published about it; null when it has none
     */
    public Outcome run(JobRequest job, RunnerProcess runner, JobHandle handle, String traceId)
            throws InterruptedException {
        long startedAt = clock.millis();
        String nodeId = reporting.nodeId();
        if (handle.cancelRequested()) {
            // Cancelled while it waited in the queue: it ends without touching the runner.
            return report(JobUpdates.cancelledBeforeStart(job, nodeId, clock.millis()), traceId);
        }
        RunningReport running = new RunningReport(
                () -> reporting.publisher().publish(JobUpdates.running(job, nodeId, startedAt), traceId));
        reporting.timer().after(reporting.runningReportDelay(), running::send);
        // A job nobody streams (a whole chat completion) needs no chunks: its answer travels in the terminal
        // update, and a record less per job is a produce request and a fetch less for the broker.
        TokenStream tokens = job.getStream()
                ? new TokenStream(job.getJobId(), reporting.tokenFlushDelay(), reporting.timer(),
                        chunk -> reporting.publisher().publish(chunk.toBuilder().setNodeId(nodeId).build(), traceId))
                : TokenStream.unfollowed(job.getJobId());
        JobUpdate terminal;
        try {
            Answer answer = new Answer();
            Finished finished = generate(job, runner, handle, answer, tokens);
            if (handle.abandoned()) {
                running.drop();
                tokens.abandon();
                LOG.infof("job %s handed back: the worker stopped it while draining", job.getJobId());
                return Outcome.HANDED_BACK;
            }
            tokens.finish();
            terminal = JobUpdates.finished(job, nodeId, answer, finished,
                    new JobUpdates.Times(startedAt, clock.millis(), loadWait(job, runner, startedAt)));
            handle.decodeTps(terminal.getTimings().getDecodeTps());
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean jobsOwnFault = code == Status.Code.INVALID_ARGUMENT;
            // A dying runner breaks the stream (UNAVAILABLE) a moment before the OS reports it gone; waiting for
            // that here keeps the consumer from offering the job to the same dead runner again meanwhile.
            boolean runnerGone = !jobsOwnFault && runnerEnded(runner);
            if (handle.abandoned() || code == Status.Code.UNAVAILABLE || runnerGone) {
                running.drop();
                tokens.abandon();
                LOG.warnf("job %s handed back: runner of %s unavailable (%s)", job.getJobId(), job.getModel(),
                        e.getStatus());
                return Outcome.HANDED_BACK;
            }
            tokens.finish();
            terminal = JobUpdates.failed(job.getJobId(), job.getModel(), nodeId, describe(e), clock.millis());
        }
        running.send();
        return report(terminal, traceId);
    }

    /** Reports a record that is not a job at all; redelivering it would fail the same way forever. */
    public Outcome reject(String jobId, String model, String error, String traceId) throws InterruptedException {
        return report(JobUpdates.failed(jobId, model, reporting.nodeId(), error, clock.millis()), traceId);
    }

    private Outcome report(JobUpdate terminal, String traceId) throws InterruptedException {
        try {
            reporting.publisher().publishAcknowledged(terminal, traceId, reporting.publishTimeout());
            tally.reported(terminal);
            LOG.infof("job %s %s", terminal.getJobId(),
                    terminal.getState().name().replace("JOB_STATE_", "").toLowerCase(Locale.ROOT));
            return Outcome.REPORTED;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("job %s handed back: its result was not acknowledged by Kafka (%s)", terminal.getJobId(),
                    e.getCause() != null ? e.getCause() : e);
            return Outcome.HANDED_BACK;
        }
    }

    private Finished generate(JobRequest job, RunnerProcess runner, JobHandle handle, Answer answer,
            TokenStream tokens) {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setRequestId(job.getJobId())
                .addAllMessages(job.getMessagesList())
                .setMaxTokens(job.getMaxTokens())
                .setTemperature(job.getTemperature())
                .setTopP(job.getTopP())
                .setHasSeed(job.getHasSeed())
                .setSeed(job.getSeed())
                .addAllStop(job.getStopList())
                .setOptions(job.getOptions())
                .build();
        Iterator<GenerateEvent> events = runner.blocking()
                .withDeadlineAfter(jobTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .generate(request);
        handle.onStop(() -> cancelOnRunner(runner, job.getJobId()));
        boolean stopRepeated = false;
        Finished finished = null;
        while (events.hasNext()) {
            GenerateEvent event = events.next();
            if (event.hasPiece()) {
                answer.add(event.getPiece());
                tokens.add(event.getPiece().getText(), event.getPiece().getLogprobsList());
                // A stop asked for before the runner had registered the generation found nothing to stop there;
                // now that text flows the generation exists, so ask once more.
                if (!stopRepeated && handle.stopRequested()) {
                    stopRepeated = true;
                    cancelOnRunner(runner, job.getJobId());
                }
            } else if (event.hasFinished()) {
                finished = event.getFinished();
            }
        }
        if (finished == null) {
            throw Status.INTERNAL.withDescription("the runner ended the stream without a result").asRuntimeException();
        }
        return finished;
    }

    /** Asks the runner to stop a generation; it then ends the stream with finish_reason "cancelled". */
    private static void cancelOnRunner(RunnerProcess runner, String jobId) {
        runner.async().withDeadlineAfter(CANCEL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .cancel(CancelRequest.newBuilder().setRequestId(jobId).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(CancelReply reply) {
                        // Whether it was found does not matter: a generation not yet registered is asked again.
                    }

                    @Override
                    public void onError(Throwable t) {
                        LOG.debugf("cancel of %s not delivered: %s", jobId, t.getMessage());
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    /** How long the job waited for this runner to load its model, within its time in the queue. */
    private static long loadWait(JobRequest job, RunnerProcess runner, long startedAt) {
        if (job.getSubmittedAtMs() <= 0) {
            return 0;
        }
        long from = Math.max(job.getSubmittedAtMs(), runner.loadStartedAtMs());
        long to = Math.min(startedAt, runner.readyAtMs());
        return Math.max(0, to - from);
    }

    /** Whether the runner ended, waiting a little for the OS to report it: a failed call must not blame the job. */
    private static boolean runnerEnded(RunnerProcess runner) throws InterruptedException {
        try {
            runner.onExit().get(RUNNER_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !runner.isAlive();
        }
    }

    private static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> "invalid job" + description;
            case DEADLINE_EXCEEDED -> "job took longer than the worker's limit";
            default -> "runner error " + status.getCode() + description;
        };
    }
}
