package io.rigpool.gateway.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A job to be stored, with who submitted it and under which limit.
 *
 * @param ownerKeyId the submitting key; null when authentication is off
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 * @param maxConcurrentJobs the owner's limit on unfinished jobs; 0 for none
 */
public record NewJob(UUID id, JobSpec spec, Instant createdAt, UUID ownerKeyId, String idempotencyKey,
        int maxConcurrentJobs) {
}
