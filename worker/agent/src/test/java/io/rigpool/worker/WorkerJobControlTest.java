package io.rigpool.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource.InjectPlanner;
import io.rigpool.worker.planner.TestPlannerResource;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cancels from rigpool.control, as the gateway sends them, stop jobs: they end CANCELLED. */
@RigpoolQuarkusTest
class WorkerJobControlTest {

    @InjectPlanner
    TestPlanner planner;

    @Inject
    WorkerLifecycle worker;

    @Test
    void aRunningJobThatIsCancelledStopsAndEndsCancelledWithItsTextSoFar() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        await().atMost(WorkerKafka.DEADLINE).until(() -> worker.node().followingControl());
        WorkerKafka kafka = WorkerKafka.shared();
        // max_tokens 0: as many as the slot holds, far more than it makes before the cancel lands.
        JobRequest job = WorkerKafka.job("cancel me", 0, "Tell me everything");
        kafka.publish(List.of(job));
        await().atMost(WorkerKafka.DEADLINE).until(() -> !kafka.tokens(job.getJobId()).isEmpty());

        kafka.cancel(job.getJobId());

        JobUpdate end = kafka.awaitTerminal(job.getJobId());
        assertEquals(JobState.JOB_STATE_CANCELLED, end.getState(), end::toString);
        assertEquals("cancelled", end.getFinishReason());
        int slot = TestPlannerResource.CONTEXT / TestPlannerResource.SLOTS;
        int room = slot - end.getUsage().getPromptTokens();
        assertTrue(end.getUsage().getCompletionTokens() > 0 && end.getUsage().getCompletionTokens() < room / 2,
                "stopped early: " + end.getUsage().getCompletionTokens() + " of " + room + " tokens");
        WorkerEndToEndTest.assertTokensSpell(kafka, job.getJobId(), end.getText(), end.getUsage()
                .getCompletionTokens());
    }

    @Test
    void aJobCancelledBeforeItReachesTheWorkerEndsCancelledWithoutRunning() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        await().atMost(WorkerKafka.DEADLINE).until(() -> worker.node().followingControl());
        WorkerKafka kafka = WorkerKafka.shared();
        JobRequest job = WorkerKafka.job("cancelled in the queue", 32, "Hello");

        kafka.cancel(job.getJobId());
        await().atMost(WorkerKafka.DEADLINE).until(() -> worker.node().running().cancelled(job.getJobId()));
        kafka.publish(List.of(job));

        JobUpdate end = kafka.awaitTerminal(job.getJobId());
        assertEquals(JobState.JOB_STATE_CANCELLED, end.getState());
        assertFalse(kafka.running(job.getJobId()), "it never ran");
    }
}
