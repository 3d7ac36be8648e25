package io.rigpool.gateway.jobs;

import io.rigpool.proto.v1.JobUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What a worker's {@link JobUpdate} says happened to a job, in the terms the jobs table stores. */
public sealed interface JobProgress {

    java.time.Duration MAX_CLOCK_AHEAD = java.time.Duration.ofDays(1);

    UUID jobId();

    /** A runner took the job. */
    record Started(UUID jobId, Instant at, String nodeId) implements JobProgress {
    }

    /**
     * The job reached a final state; the first one stored wins.
     *
     * @param logprobs every sampled token with its log probability, when the job asked for them; else empty
     * @param toolCalls the answer's calls of tools; empty when it made none
     */
    record Finished(UUID jobId, JobStatus status, Instant at, String text, String finishReason, Integer promptTokens,
            Integer completionTokens, String nodeId, String error, JobTimings timings, List<TokenLogprob> logprobs,
            List<ToolCall> toolCalls) implements JobProgress {

        public Finished {
            if (!status.terminal()) {
                throw new IllegalArgumentException("not a final state: " + status);
            }
            logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public Finished(UUID jobId, JobStatus status, Instant at, String text, String finishReason,
                Integer promptTokens, Integer completionTokens, String nodeId, String error, JobTimings timings) {
            this(jobId, status, at, text, finishReason, promptTokens, completionTokens, nodeId, error, timings,
                    List.of(), List.of());
        }
    }

    /**
     * Reads an update; empty when it cannot apply to any job (no state, or a job id that is not a UUID, which this
     * gateway never hands out). {@code receivedAt} stands in for a missing {@code at_ms}, and for one PostgreSQL
     * could not store or that no clock could have meant; strings are made storable (see {@link StorableText}).
     * Whatever a worker (or anyone who reaches the broker) writes, the result must be storable, or one record
     * would stall its partition.
     */
    static Optional<JobProgress> of(JobUpdate update, Instant receivedAt) {
        UUID jobId;
        try {
            jobId = UUID.fromString(update.getJobId());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Instant at = plausibleTime(update.getAtMs(), receivedAt);
        String nodeId = emptyToNull(StorableText.of(update.getNodeId()));
        return switch (update.getState()) {
            case JOB_STATE_RUNNING -> Optional.of(new Started(jobId, at, nodeId));
            case JOB_STATE_SUCCEEDED -> Optional.of(finished(jobId, JobStatus.SUCCEEDED, at, nodeId, update));
            case JOB_STATE_FAILED -> Optional.of(finished(jobId, JobStatus.FAILED, at, nodeId, update));
            case JOB_STATE_CANCELLED -> Optional.of(finished(jobId, JobStatus.CANCELLED, at, nodeId, update));
            default -> Optional.empty();
        };
    }

    private static Finished finished(UUID jobId, JobStatus status, Instant at, String nodeId, JobUpdate update) {
        // A succeeded job may rightly have produced no text; for the others an empty text means none.
        String text = StorableText.of(update.getText());
        text = status == JobStatus.SUCCEEDED ? text : emptyToNull(text);
        Integer promptTokens = update.hasUsage() ? update.getUsage().getPromptTokens() : null;
        Integer completionTokens = update.hasUsage() ? update.getUsage().getCompletionTokens() : null;
        JobTimings timings = update.hasTimings() ? JobTimings.of(update.getTimings()) : null;
        List<ToolCall> toolCalls = update.getToolCallsList().stream().map(call -> new ToolCall(
                StorableText.of(call.getId()), StorableText.of(call.getName()), StorableText.of(call.getArguments())))
                .toList();
        return new Finished(jobId, status, at, text, emptyToNull(StorableText.of(update.getFinishReason())),
                promptTokens, completionTokens, nodeId, emptyToNull(StorableText.of(update.getError())), timings,
                TokenLogprob.of(update.getLogprobsList()), toolCalls);
    }

    /** A job's events lie between the epoch and now; a worker's clock a day ahead is not a clock but a mistake. */
    static Instant plausibleTime(long atMs, Instant receivedAt) {
        if (atMs <= 0 || atMs > receivedAt.plus(MAX_CLOCK_AHEAD).toEpochMilli()) {
            return receivedAt;
        }
        return Instant.ofEpochMilli(atMs);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
