package io.rigpool.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import io.rigpool.proto.v1.Usage;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobProgressTest {

    static final UUID JOB = UUID.fromString("7d0b2a4e-3f7c-4c61-9d38-0f6f3c2b9a11");
    static final Instant RECEIVED = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void runningIsAStartOnTheReportingNode() {
        JobProgress progress = JobProgress.of(JobUpdate.newBuilder().setJobId(JOB.toString())
                .setState(JobState.JOB_STATE_RUNNING).setNodeId("n1").setAtMs(1_000).build(), RECEIVED)
                .orElseThrow();

        assertEquals(new JobProgress.Started(JOB, Instant.ofEpochMilli(1_000), "n1"), progress);
    }

    @Test
    void successCarriesTextUsageAndTimings() {
        JobProgress.Finished finished = (JobProgress.Finished) JobProgress.of(JobUpdate.newBuilder()
                .setJobId(JOB.toString()).setState(JobState.JOB_STATE_SUCCEEDED).setText("")
                .setFinishReason("length").setNodeId("n1")
                .setUsage(Usage.newBuilder().setPromptTokens(9).setCompletionTokens(0))
                .setTimings(Timings.newBuilder().setQueueWaitMs(5).setDecodeTps(12.5)).build(), RECEIVED)
                .orElseThrow();

        assertEquals(JobStatus.SUCCEEDED, finished.status());
        assertEquals(RECEIVED, finished.at(), "no at_ms: the time it was received");
        assertEquals("", finished.text(), "a success with no text keeps its empty text");
        assertEquals("length", finished.finishReason());
        assertEquals(9, finished.promptTokens());
        assertEquals(0, finished.completionTokens());
        assertEquals(new JobTimings(5, 0, 0, 0, 12.5), finished.timings());
        assertNull(finished.error());
    }

    @Test
    void failureAndCancellationAreFinalWithoutUsageUnlessReported() {
        JobProgress.Finished failed = (JobProgress.Finished) JobProgress.of(JobUpdate.newBuilder()
                .setJobId(JOB.toString()).setState(JobState.JOB_STATE_FAILED).setError("out of memory").build(),
                RECEIVED).orElseThrow();
        JobProgress.Finished cancelled = (JobProgress.Finished) JobProgress.of(JobUpdate.newBuilder()
                .setJobId(JOB.toString()).setState(JobState.JOB_STATE_CANCELLED).build(), RECEIVED).orElseThrow();

        assertEquals(JobStatus.FAILED, failed.status());
        assertEquals("out of memory", failed.error());
        assertNull(failed.text());
        assertNull(failed.promptTokens());
        assertNull(failed.timings());
        assertNull(failed.nodeId());
        assertEquals(JobStatus.CANCELLED, cancelled.status());
    }

    @Test
    void updatesThatFitNoJobAreDropped() {
        assertTrue(JobProgress.of(JobUpdate.newBuilder().setJobId(JOB.toString()).build(), RECEIVED).isEmpty(),
                "no state");
        assertTrue(JobProgress.of(JobUpdate.newBuilder().setJobId("job-1")
                .setState(JobState.JOB_STATE_SUCCEEDED).build(), RECEIVED).isEmpty(), "not a UUID");
    }
}
