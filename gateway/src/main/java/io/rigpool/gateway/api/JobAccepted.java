package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** The answer to a submitted job: it is stored and queued, and this is its id. */
public record JobAccepted(String id, String status, String model, @JsonProperty("created_at") Instant createdAt) {

    static JobAccepted of(JobSubmissions.Submitted job) {
        return new JobAccepted(job.id().toString(), job.status().wireName(), job.model(), job.createdAt());
    }
}
