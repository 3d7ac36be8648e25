package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TextPiece;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.ToolCall;
import org.junit.jupiter.api.Test;

class JobUpdatesTest {

    private final JobRequest job = JobRequest.newBuilder().setJobId("j1").setModel("m").setSubmittedAtMs(1_000)
            .build();

    @Test
    void aFinishedJobCarriesUsageAndTimings() {
        Finished finished = Finished.newBuilder().setFinishReason("length").setPromptTokens(51)
                .setCompletionTokens(21).setPromptEvalMs(15).setDecodeMs(200).build();

        JobUpdate update = JobUpdates.finished(job, "node-a", "hello world", finished,
                new JobUpdates.Times(1_250, 1_500, 200));

        assertEquals(JobState.JOB_STATE_SUCCEEDED, update.getState());
        assertEquals("hello world", update.getText());
        assertEquals("length", update.getFinishReason());
        assertEquals(51, update.getUsage().getPromptTokens());
        assertEquals(21, update.getUsage().getCompletionTokens());
        assertEquals(250, update.getTimings().getQueueWaitMs(), "from submission to the runner");
        assertEquals(200, update.getTimings().getLoadMs(), "of which waiting for the model to load");
        assertEquals(100.0, update.getTimings().getDecodeTps(), 1e-9, "20 tokens after the first in 200 ms");
        assertEquals("node-a", update.getNodeId());
        assertEquals(1_500, update.getAtMs());
    }

    @Test
    void theAnswersLogprobsAndCallsGoWithTheResult() {
        TokenLogprob token = TokenLogprob.newBuilder().setToken("hi").setLogprob(-0.1).build();
        ToolCall call = ToolCall.newBuilder().setId("c1").setName("f").setArguments("{}").build();
        Answer answer = new Answer();
        answer.add(TextPiece.newBuilder().setText("hi").addLogprobs(token).build());
        Finished finished = Finished.newBuilder().setFinishReason("tool_calls").addToolCalls(call).build();

        JobUpdate update = JobUpdates.finished(job, "n", answer, finished, new JobUpdates.Times(2_000, 2_000, 0));

        assertEquals("hi", update.getText());
        assertEquals(java.util.List.of(token), update.getLogprobsList());
        assertEquals(java.util.List.of(call), update.getToolCallsList());
        assertEquals("tool_calls", update.getFinishReason());
    }

    @Test
    void aCancelledGenerationIsACancelledJob() {
        Finished finished = Finished.newBuilder().setFinishReason("cancelled").setCompletionTokens(1).build();

        JobUpdate update = JobUpdates.finished(job, "n", "a", finished, new JobUpdates.Times(2_000, 2_000, 0));

        assertEquals(JobState.JOB_STATE_CANCELLED, update.getState());
        assertEquals(0.0, update.getTimings().getDecodeTps(), "one token has no decode speed");
    }

    @Test
    void aJobWithoutSubmissionTimeHasNoQueueWait() {
        JobRequest unstamped = job.toBuilder().clearSubmittedAtMs().build();

        JobUpdate update = JobUpdates.finished(unstamped, "n", "a", Finished.getDefaultInstance(),
                new JobUpdates.Times(5_000, 5_000, 0));

        assertEquals(0, update.getTimings().getQueueWaitMs());
    }
}
