package io.rigpool.gateway.jobs;

import java.time.Instant;
import java.util.UUID;

/** A job already in the table, as an idempotent repeat finds it. */
public record StoredJob(UUID id, JobSpec spec, JobStatus status, Instant createdAt) {
}
