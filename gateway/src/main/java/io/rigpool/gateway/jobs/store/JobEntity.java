package io.rigpool.gateway.jobs.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.JobTimings;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code gateway.jobs}; the table itself is made by the Flyway migrations. */
@Entity
@Table(schema = "gateway", name = "jobs")
public class JobEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    public String model;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<ChatMessage> messages;

    @Column(name = "max_tokens")
    public int maxTokens;

    public double temperature;

    @Column(name = "top_p")
    public double topP;

    public Long seed;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> stop;

    @Convert(converter = JobStatusColumn.class)
    public JobStatus status;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "result_text")
    public String resultText;

    @Column(name = "finish_reason")
    public String finishReason;

    @Column(name = "prompt_tokens")
    public Integer promptTokens;

    @Column(name = "completion_tokens")
    public Integer completionTokens;

    @Column(name = "node_id")
    public String nodeId;

    public String error;

    @JdbcTypeCode(SqlTypes.JSON)
    public JobTimings timings;

    /** The key that submitted the job; null when authentication is off. */
    @Column(name = "api_key_id")
    public UUID apiKeyId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    public boolean stream;

    /** Null for a job stored before these options existed, which reads as none asked for. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "generation_options")
    public GenerationOptions generationOptions;

    /** Null unless the job asked for logprobs and ended with tokens. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "result_logprobs")
    public List<TokenLogprob> resultLogprobs;

    /** Null unless the answer called tools. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "result_tool_calls")
    public List<ToolCall> resultToolCalls;

    /** When a client asked to cancel the job while a worker was running it. */
    @Column(name = "cancel_requested_at")
    public Instant cancelRequestedAt;

    /** A new job as the client described it, queued and not yet published. */
    public static JobEntity queued(UUID id, JobSpec spec, Instant createdAt) {
        JobEntity job = new JobEntity();
        job.id = id;
        job.model = spec.model();
        job.messages = spec.messages();
        job.maxTokens = spec.maxTokens();
        job.temperature = spec.temperature();
        job.topP = spec.topP();
        job.seed = spec.seed();
        job.stop = spec.stop();
        job.stream = spec.stream();
        job.generationOptions = spec.options();
        job.status = JobStatus.QUEUED;
        job.createdAt = createdAt;
        return job;
    }

    /** What the client asked for, as it would be read from the request again. */
    public JobSpec spec() {
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop, stream, generationOptions);
    }
}
