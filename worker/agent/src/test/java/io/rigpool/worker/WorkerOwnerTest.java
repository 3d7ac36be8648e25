package io.rigpool.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.worker.owner.OwnerRequestCheck;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource.InjectPlanner;
import io.rigpool.worker.planner.TestPlannerResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker as a good citizen on somebody's PC: the owner's game taking VRAM reaches the planner within 2 s, and
 * the owner's reserve and pause switch take effect at once. The planner here asks for a heartbeat only every 20 s,
 * so anything it hears sooner the worker sent on its own.
 */
@RigpoolQuarkusTest
class WorkerOwnerTest {

    private static final long GIB = 1L << 30;
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    @InjectPlanner
    TestPlanner planner;

    @Inject
    WorkerLifecycle worker;

    @Inject
    WorkerConfig config;

    @Test
    void aVramDropReachesThePlannerWithinTwoSeconds() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        Path gpus = config.gpusFile().orElseThrow();
        int before = planner.heartbeats.size();
        try {
            long changedAt = System.nanoTime();
            WorkerTests.writeAtomically(gpus, "NVIDIA GeForce RTX 3060:12GiB:3GiB");

            await().atMost(Duration.ofSeconds(10)).until(() -> WorkerTests.heartbeatMatching(planner, before,
                    h -> h.getGpusCount() == 1 && h.getGpus(0).getFreeBytes() == 3 * GIB) >= 0);
            int seen = WorkerTests.heartbeatMatching(planner, before, h -> h.getGpus(0).getFreeBytes() == 3 * GIB);
            long tookMs = (planner.heartbeatArrivals.get(seen) - changedAt) / 1_000_000;
            assertTrue(tookMs < PROMPTLY.toMillis(), "the planner heard of the game after " + tookMs + " ms");
        } finally {
            WorkerTests.writeAtomically(gpus, TestPlannerResource.FIRST_GPUS);
            await().atMost(Duration.ofSeconds(10)).until(() -> WorkerTests.lastHeartbeat(planner)
                    .map(h -> h.getGpus(0).getFreeBytes() == 11 * GIB).orElse(false));
        }
    }

    @Test
    void theOwnerReserveReachesThePlannerAtOnceAndABadOneIsRefused() {
        WorkerTests.awaitReady(planner, worker);
        int before = planner.heartbeats.size();
        try {
            owner().contentType("application/json").body("{\"reserve\": \"2GiB\"}").put("/api/owner/reserve")
                    .then().statusCode(200).body("reserve_bytes", equalTo(2 * GIB));

            await().atMost(PROMPTLY).until(() -> WorkerTests.heartbeatMatching(planner, before,
                    h -> h.getOwnerReserveBytes() == 2 * GIB) >= 0);
            owner().contentType("application/json").body("{\"reserve\": \"lots\"}").put("/api/owner/reserve")
                    .then().statusCode(400)
                    .body("error.field", equalTo("reserve"))
                    .body("error.message", equalTo("reserve: not a size: 'lots' (try 8GiB, 8GB or 8192MiB)"));
            assertEquals(2 * GIB, worker.node().owner().state().reserveBytes(), "nothing changed by a bad request");
        } finally {
            owner().contentType("application/json").body("{\"reserve\": \"0\"}").put("/api/owner/reserve")
                    .then().statusCode(200);
        }
    }

    @Test
    void pausingFinishesTheRunningJobThenUnloadsAndTakesNoJobsUntilResumed() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        WorkerKafka kafka = WorkerKafka.shared();
        long pid = worker.node().supervisor().runner(WorkerKafka.MODEL).orElseThrow().pid();
        JobRequest running = WorkerKafka.job("running when paused", 400, "Tell me a long story");
        kafka.publish(List.of(running));
        await().atMost(WorkerKafka.DEADLINE).until(() -> kafka.running(running.getJobId()));
        int before = planner.heartbeats.size();
        try {
            owner().post("/api/owner/pause").then().statusCode(200).body("paused", equalTo(true));

            await().atMost(PROMPTLY).until(() -> WorkerTests.heartbeatMatching(planner, before,
                    Heartbeat::getPaused) >= 0);
            JobUpdate end = kafka.awaitTerminal(running.getJobId());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, end.getState(), "the running job finished: " + end);
            assertEquals(400, end.getUsage().getCompletionTokens());
            await().atMost(WorkerKafka.DEADLINE).until(() -> worker.node().supervisor().status().isEmpty()
                    && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

            JobRequest waiting = WorkerKafka.job("sent while paused", 8, "Hello?");
            kafka.publish(List.of(waiting));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> kafka.updates(waiting.getJobId()).isEmpty());

            owner().post("/api/owner/resume").then().statusCode(200).body("paused", equalTo(false));
            WorkerTests.awaitReady(planner, worker);
            assertEquals(JobState.JOB_STATE_SUCCEEDED, kafka.awaitTerminal(waiting.getJobId()).getState());
        } finally {
            worker.node().owner().resume();
        }
    }

    @Test
    void thePauseFilePausesWhileItExists() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        Path pauseFile = config.owner().pauseFile().orElseThrow();
        int before = planner.heartbeats.size();
        try {
            Files.writeString(pauseFile, "playing");

            await().atMost(Duration.ofSeconds(5)).until(() -> WorkerTests.heartbeatMatching(planner, before,
                    h -> h.getPaused() && h.getLoadedCount() == 0) >= 0);
            assertTrue(worker.node().owner().state().pausedBy().startsWith("file "));
            owner().post("/api/owner/resume").then().statusCode(200).body("paused", equalTo(true));
        } finally {
            Files.deleteIfExists(pauseFile);
        }
        WorkerTests.awaitReady(planner, worker);
        assertFalse(worker.node().owner().state().paused());
    }

    @Test
    void aWebPageTheOwnerVisitsCannotFlipTheSwitches() {
        // A cross-site form post from a page: no owner header, a foreign Origin.
        given().header("Origin", "https://ads.example").post("/api/owner/resume").then().statusCode(403)
                .body("error.message", equalTo("the owner controls do not answer web pages (Origin https://ads.example)"));
        // A script on this PC that forgot the header.
        given().post("/api/owner/pause").then().statusCode(403)
                .body("error.message", startsWith("a change needs the X-Rigpool-Owner header"));
        // DNS rebinding: a page's own domain now resolving to 127.0.0.1.
        owner().header("Host", "rebound.example:8082").post("/api/owner/pause").then().statusCode(403);
        assertFalse(worker.node().owner().state().paused(), "nothing was paused");
        given().get("/api/owner").then().statusCode(200).body("paused", equalTo(false));
    }

    private static RequestSpecification owner() {
        return given().header(OwnerRequestCheck.HEADER, "1");
    }
}
