package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TextPiece;
import io.rigpool.proto.v1.Timings;
import io.rigpool.proto.v1.Usage;

/** The JobUpdate messages a worker publishes for a job, made in one place. */
public final class JobUpdates {

    /**
     * When a finished job ran.
     *
     * @param startedAtMs when the job left the queue and reached the runner
     * @param nowMs       when it ended
     * @param loadWaitMs  how much of its queue wait it spent waiting for the model to load
     */
    public record Times(long startedAtMs, long nowMs, long loadWaitMs) {
    }

    private JobUpdates() {
    }

    public static JobUpdate running(JobRequest job, String nodeId, long nowMs) {
        return base(job.getJobId(), job.getModel(), nodeId, nowMs).setState(JobState.JOB_STATE_RUNNING).build();
    }

    /** The end of a job the runner completed: SUCCEEDED, or CANCELLED when it was stopped early. */
    public static JobUpdate finished(JobRequest job, String nodeId, String text, Finished finished, Times times) {
        Answer answer = new Answer();
        answer.add(TextPiece.newBuilder().setText(text).build());
        return finished(job, nodeId, answer, finished, times);
    }

    /** The same, with the answer's token log probabilities and calls of tools. */
    static JobUpdate finished(JobRequest job, String nodeId, Answer answer, Finished finished, Times times) {
        boolean cancelled = "cancelled".equals(finished.getFinishReason());
        return base(job.getJobId(), job.getModel(), nodeId, times.nowMs())
                .setState(cancelled ? JobState.JOB_STATE_CANCELLED : JobState.JOB_STATE_SUCCEEDED)
                .setText(answer.text())
                .addAllLogprobs(answer.logprobs())
                .addAllToolCalls(finished.getToolCallsList())
                .setFinishReason(finished.getFinishReason())
                .setUsage(Usage.newBuilder()
                        .setPromptTokens(finished.getPromptTokens())
                        .setCompletionTokens(finished.getCompletionTokens()))
                .setTimings(timings(job, finished, times))
                .build();
    }

    /** A job whose cancel came before it reached a runner. */
    public static JobUpdate cancelledBeforeStart(JobRequest job, String nodeId, long nowMs) {
        return base(job.getJobId(), job.getModel(), nodeId, nowMs).setState(JobState.JOB_STATE_CANCELLED)
                .setFinishReason("cancelled").setError("cancelled before it started").build();
    }

    public static JobUpdate failed(String jobId, String model, String nodeId, String error, long nowMs) {
        return base(jobId, model, nodeId, nowMs).setState(JobState.JOB_STATE_FAILED).setError(error).build();
    }

    /**
     * Decode speed counts the tokens after the first: the first token comes out of the prompt evaluation, whose
     * time is reported apart.
     */
    static Timings timings(JobRequest job, Finished finished, Times times) {
        Timings.Builder t = Timings.newBuilder()
                .setPromptEvalMs(finished.getPromptEvalMs())
                .setDecodeMs(finished.getDecodeMs())
                .setLoadMs(times.loadWaitMs());
        if (job.getSubmittedAtMs() > 0) {
            t.setQueueWaitMs(Math.max(0, times.startedAtMs() - job.getSubmittedAtMs()));
        }
        int decoded = finished.getCompletionTokens() - 1;
        if (decoded > 0 && finished.getDecodeMs() > 0) {
            t.setDecodeTps(decoded * 1000.0 / finished.getDecodeMs());
        }
        return t.build();
    }

    private static JobUpdate.Builder base(String jobId, String model, String nodeId, long nowMs) {
        return JobUpdate.newBuilder().setJobId(jobId).setModel(model).setNodeId(nodeId).setAtMs(nowMs);
    }
}
