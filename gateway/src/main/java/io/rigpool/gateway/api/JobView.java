package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.jobs.JobEntity;
import java.time.Instant;

/** A job as {@code GET /v1/jobs/{id}} shows it; result and usage appear once the job is done. */
public record JobView(
        String id,
        String model,
        String status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Result result,
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage,
        @JsonProperty("node_id") String nodeId,
        String error) {

    public record Result(String text, @JsonProperty("finish_reason") String finishReason) {
    }

    public record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
            @JsonProperty("completion_tokens") Integer completionTokens) {
    }

    static JobView of(JobEntity job) {
        boolean done = job.status.terminal();
        return new JobView(job.id.toString(), job.model, job.status.wireName(), job.createdAt, job.startedAt,
                job.finishedAt,
                done ? new Result(job.resultText, job.finishReason) : null,
                done ? new Usage(job.promptTokens, job.completionTokens) : null,
                job.nodeId, job.error);
    }
}
