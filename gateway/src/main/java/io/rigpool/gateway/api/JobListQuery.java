package io.rigpool.gateway.api;

import io.rigpool.gateway.jobs.JobFilter;
import io.rigpool.gateway.jobs.JobStatus;
import java.time.Instant;
import java.time.DateTimeException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the query of {@code GET /v1/jobs}: {@code limit} (1 to 100, default 20), {@code after} (a job id),
 * {@code status} (one or more, comma-separated), {@code model}, {@code created_after} (inclusive) and
 * {@code created_before} (exclusive), times as ISO-8601 instants or Unix seconds. A wrong value is a 400 naming it.
 */
public record JobListQuery(JobFilter filter, int limit, UUID after) {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    public static JobListQuery read(String limit, String after, String status, String model, String createdAfter,
            String createdBefore) {
        return new JobListQuery(
                new JobFilter(statuses(status), blankToNull(model), instant(createdAfter, "created_after"),
                        instant(createdBefore, "created_before")),
                limit(limit), jobId(after));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw ApiException.invalid("limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", not '" + text
                + "'");
    }

    private static UUID jobId(String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("after", "after must be a job id (the last_id of the previous page), not '"
                    + text + "'");
        }
    }

    private static Set<JobStatus> statuses(String text) {
        Set<JobStatus> statuses = new LinkedHashSet<>();
        if (text == null || text.isBlank()) {
            return statuses;
        }
        for (String name : text.split(",")) {
            String wire = name.strip().toLowerCase(Locale.ROOT);
            try {
                statuses.add(JobStatus.fromWireName(wire));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status", "status must be one or more of queued, running, succeeded,"
                        + " failed, cancelled (comma-separated), not '" + name.strip() + "'");
            }
        }
        return statuses;
    }

    private static Instant instant(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochSecond(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeException | NumberFormatException e) {
            throw ApiException.invalid(field, field + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z,"
                    + " or Unix seconds, not '" + text + "'");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
