package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.NewJob;
import io.rigpool.gateway.jobs.StoredJob;

/** What became of a {@link NewJob} handed to the {@link JobWriter}. */
public sealed interface WriteOutcome {

    /** Stored and committed (and handed to the publisher). */
    record Created(NewJob job) implements WriteOutcome {
    }

    /** Not stored: the owner already has a job with this idempotency key. */
    record Existing(StoredJob job) implements WriteOutcome {
    }

    /** Not stored: the owner has {@code active} unfinished jobs, its limit. */
    record TooManyActive(long active, int limit) implements WriteOutcome {
    }
}
