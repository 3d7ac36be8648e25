package io.rigpool.gateway.jobs;

import java.time.Instant;
import java.util.Set;

/**
 * Which jobs a listing shows, beyond whose they are.
 *
 * @param statuses empty for any status
 * @param model null for any model
 * @param createdAfter inclusive, or null
 * @param createdBefore exclusive, or null
 */
public record JobFilter(Set<JobStatus> statuses, String model, Instant createdAfter, Instant createdBefore) {

    public JobFilter {
        statuses = Set.copyOf(statuses);
    }

    public static final JobFilter ALL = new JobFilter(Set.of(), null, null, null);
}
