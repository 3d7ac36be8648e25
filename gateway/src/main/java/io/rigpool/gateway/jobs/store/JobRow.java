package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.JobTimings;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of {@code gateway.jobs} as {@link JobRepository} reads it; the table itself is made by the Flyway
 * migrations.
 *
 * @param seed null when the client left sampling unseeded
 * @param apiKeyId the key that submitted the job; null when authentication is off
 * @param generationOptions null for a job stored before these options existed, which reads as none asked for
 * @param resultLogprobs null unless the job asked for logprobs and ended with tokens
 * @param resultToolCalls null unless the answer called tools
 * @param cancelRequestedAt when a client asked to cancel the job while a worker was running it
 */
public record JobRow(
        UUID id,
        String model,
        List<ChatMessage> messages,
        int maxTokens,
        double temperature,
        double topP,
        Long seed,
        List<String> stop,
        JobStatus status,
        Instant createdAt,
        Instant publishedAt,
        Instant startedAt,
        Instant finishedAt,
        String resultText,
        String finishReason,
        Integer promptTokens,
        Integer completionTokens,
        String nodeId,
        String error,
        JobTimings timings,
        UUID apiKeyId,
        String idempotencyKey,
        boolean stream,
        GenerationOptions generationOptions,
        List<TokenLogprob> resultLogprobs,
        List<ToolCall> resultToolCalls,
        Instant cancelRequestedAt) {

    /** A new job as the client described it, queued and not yet published. */
    public static JobRow queued(UUID id, JobSpec spec, Instant createdAt) {
        return new JobRow(id, spec.model(), spec.messages(), spec.maxTokens(), spec.temperature(), spec.topP(),
                spec.seed(), spec.stop(), JobStatus.QUEUED, createdAt, null, null, null, null, null, null, null, null,
                null, null, null, null, spec.stream(), spec.options(), null, null, null);
    }

    /** What the client asked for, as it would be read from the request again. */
    public JobSpec spec() {
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop, stream, generationOptions);
    }
}
