package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.local.reliability.JobLedger;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker never loses a job, with every part real (planner, gateway and two workers as their packaged apps,
 * PostgreSQL, Kafka, runner processes with llama.cpp): a runner killed mid-job has the job delivered again and
 * finished, and a worker stopped with SIGTERM finishes the job it is running before it exits and leaves the queued
 * ones to whoever serves next. Each job is stored once. Whether the worker restarts its runner or the planner moves
 * the model to the other worker is the planner's call; either way the job must be done.
 */
class WorkerResilienceIT {

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** About 4 s of the generated demo model on a 2-core machine: long enough to be caught running. */
    private static final int LONG_JOB_TOKENS = 3000;

    /** Its own stack, stopped after the class: its tests kill a runner and stop a worker. */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.demo("worker-resilience", 2)
            .exclusively());

    @Test
    void aRunnerKilledMidJobHasTheJobDeliveredAgainFinishedAndStoredOnce() throws Exception {
        Serving serving = awaitServing();
        String id = submit(LONG_JOB_TOKENS, 1);
        await("job " + id + " running", () -> status(id).equals("running"));

        ProcessHandle.of(serving.runnerPid()).orElseThrow().destroyForcibly();

        await("job " + id + " finished", () -> !status(id).equals("running") && !status(id).equals("queued"));
        assertEquals("succeeded", status(id), () -> job(id).toString());
        assertNotEquals(serving.runnerPid(), awaitServing().runnerPid(), "a new runner serves the model");
        List<JobUpdate> updates = kafkaUpdates(id);
        assertTrue(updates.stream().filter(u -> u.getState() == JobState.JOB_STATE_RUNNING).count() >= 2,
                "delivered again: " + updates);
        List<JobUpdate> terminal = updates.stream().filter(u -> u.getState() != JobState.JOB_STATE_RUNNING).toList();
        assertEquals(1, terminal.size(), "the killed run left no result, the second one did: " + updates);
        assertStoredOnce(List.of(id));
        JsonNode stored = job(id);
        assertEquals(terminal.get(0).getText(), stored.at("/result/text").asText());
        assertEquals(LONG_JOB_TOKENS, stored.at("/usage/completion_tokens").asInt());
    }

    @Test
    void sigtermFinishesTheRunningJobBeforeTheWorkerExitsAndLosesNone() throws Exception {
        Serving serving = awaitServing();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(submit(LONG_JOB_TOKENS, 100 + i));
        }
        await("a job running", () -> ids.stream().anyMatch(id -> status(id).equals("running")));
        String running = ids.stream().filter(id -> status(id).equals("running")).findFirst().orElseThrow();
        ProcessHandle process = ProcessHandle.of(serving.worker().pid()).orElseThrow();

        process.destroy();

        await("the worker to exit", () -> !process.isAlive());
        await("job " + running + " stored", () -> !status(running).equals("running"));
        assertEquals("succeeded", status(running), "finished before the worker left: " + job(running));
        assertTrue(serving.worker().tail(200).contains("stopped taking jobs"), serving.worker().tail(40));
        try {
            await("every job done by whoever serves next", () -> ids.stream().allMatch(id ->
                    status(id).equals("succeeded")));
        } finally {
            serving.worker().start();
        }
        assertStoredOnce(ids);
        for (String id : ids) {
            List<JobUpdate> terminal = kafkaUpdates(id).stream()
                    .filter(u -> u.getState() != JobState.JOB_STATE_RUNNING).toList();
            assertEquals(1, terminal.size(), "one result for " + id + ": " + terminal);
        }
    }

    /** A worker whose runner serves the model, and that runner's process id. */
    private record Serving(ServiceProcess worker, long runnerPid) {
    }

    /** Waits until one of the workers serves the model (the planner places it on one of them). */
    private static Serving awaitServing() {
        Serving[] found = {null};
        await("a worker serving the model", () -> {
            for (ServiceProcess worker : STACK.stack().workers()) {
                Optional<Long> runner = servingRunner(worker);
                if (runner.isPresent()) {
                    found[0] = new Serving(worker, runner.get());
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The worker's runner process (a child JVM running the runner jar), when its model is loaded and ready. */
    private static Optional<Long> servingRunner(ServiceProcess worker) {
        if (!worker.alive()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> runner = ProcessHandle.of(worker.pid()).orElseThrow().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("rigpool-runner.jar")).findFirst();
        if (runner.isEmpty()) {
            return Optional.empty();
        }
        boolean ready = "ready".equals(STACK.client().workerStatus(worker).at("/loaded/0/state").asText());
        return ready ? Optional.of(runner.get().pid()) : Optional.empty();
    }

    private static String submit(int maxTokens, int seed) {
        return STACK.client().submit(STACK.model(), "Tell me a long story", maxTokens, 0.5, seed);
    }

    private static JsonNode job(String id) {
        return STACK.client().job(id);
    }

    private static String status(String id) {
        return STACK.client().status(id);
    }

    /** One row per job in PostgreSQL, finished once, as succeeded. */
    private static void assertStoredOnce(List<String> ids) throws Exception {
        JobLedger.Stored stored = new JobLedger(STACK.stack().infrastructure()).stored(ids);
        assertEquals(ids.size(), stored.rows(), "one row per job");
        assertEquals(ids.size(), stored.finishedAsSucceeded(), "every row finished once, as succeeded");
    }

    /** Every update of a job on rigpool.results, in the order Kafka holds them (one partition per job id). */
    private static List<JobUpdate> kafkaUpdates(String jobId) {
        return new JobLedger(STACK.stack().infrastructure()).updatesOf(jobId, DEADLINE);
    }

    private static void await(String what, BooleanSupplier condition) {
        Waits.until(what, DEADLINE, condition, () -> "worker logs:\n" + STACK.stack().workers().stream()
                .map(w -> w.name() + ":\n" + w.tail(25)).toList());
    }
}
