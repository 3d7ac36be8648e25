package io.rigpool.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource.InjectPlanner;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A runner that dies mid-job: the crash is reported, the runner restarted, the job delivered again and done. */
@RigpoolQuarkusTest
class WorkerRunnerCrashTest {

    @InjectPlanner
    TestPlanner planner;

    @Inject
    WorkerLifecycle worker;

    @Test
    void aRunnerKilledMidJobIsReportedRestartedAndTheJobCompletesOnRedelivery() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        WorkerKafka kafka = WorkerKafka.shared();
        long pid = worker.node().supervisor().runner(WorkerKafka.MODEL).orElseThrow().pid();
        JobRequest job = WorkerKafka.job("killed mid-job", 600, "Tell me a long story");
        kafka.publish(List.of(job));
        // Its RUNNING, not its first text: RUNNING goes out once a job has run jobs.running-report-delay, and a
        // run killed before would leave none to count below.
        await().atMost(WorkerKafka.DEADLINE).until(() -> !kafka.updates(job.getJobId()).isEmpty());

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await().atMost(WorkerKafka.DEADLINE).until(() -> crash().isPresent());
        RunnerCrash crash = crash().orElseThrow();
        assertEquals(137, crash.getExitCode(), "SIGKILL");
        assertEquals(1, crash.getJobsInFlight());
        assertFalse(crash.getLastLogLinesList().isEmpty());
        JobUpdate end = kafka.awaitTerminal(job.getJobId());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, end.getState(), end::toString);
        assertEquals(600, end.getUsage().getCompletionTokens());
        assertEquals(2, kafka.updates(job.getJobId()).stream().filter(u -> u.getState() == JobState.JOB_STATE_RUNNING)
                .count(), "ran twice: the first run left no result, the second did");
        assertNotEquals(pid, worker.node().supervisor().runner(WorkerKafka.MODEL).orElseThrow().pid());
        assertTrue(kafka.updates(job.getJobId()).stream().filter(u -> u.getState() != JobState.JOB_STATE_RUNNING)
                .count() == 1, "one result only");
        kafka.awaitAcknowledgedToEnd(WorkerKafka.MODEL);

        String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract()
                .asString();
        String model = "model=\"" + WorkerKafka.MODEL + "\"";
        assertTrue(WorkerEndToEndTest.metric(metrics, "rigpool_runner_crashes_total", model) >= 1, metrics);
        assertTrue(WorkerEndToEndTest.metric(metrics, "rigpool_runner_restarts_total", model) >= 1);
        assertTrue(WorkerEndToEndTest.metric(metrics, "rigpool_jobs_handed_back_total", model) >= 1);
    }

    private Optional<RunnerCrash> crash() {
        return planner.runnerEvents().stream().filter(RunnerEvent::hasCrashed).map(RunnerEvent::getCrashed)
                .findFirst();
    }
}
