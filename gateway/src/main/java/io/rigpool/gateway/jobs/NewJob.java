package io.rigpool.gateway.jobs;

import io.rigpool.common.trace.TraceIds;
import java.time.Instant;
import java.util.UUID;

/**
 * A job to be stored, with who submitted it and under which limit.
 *
 * @param ownerKeyId the submitting key; null when authentication is off
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 * @param maxConcurrentJobs the owner's limit on unfinished jobs; 0 for none
 * @param traceId the trace id its Kafka record carries ({@link TraceIds}); not stored in PostgreSQL, so a job the
 *     sweeper publishes again carries the one made from its id
 */
public record NewJob(UUID id, JobSpec spec, Instant createdAt, UUID ownerKeyId, String idempotencyKey,
        int maxConcurrentJobs, String traceId) {

    /** A job whose trace id is made from its id. */
    public NewJob(UUID id, JobSpec spec, Instant createdAt, UUID ownerKeyId, String idempotencyKey,
            int maxConcurrentJobs) {
        this(id, spec, createdAt, ownerKeyId, idempotencyKey, maxConcurrentJobs, TraceIds.ofJob(id));
    }
}
