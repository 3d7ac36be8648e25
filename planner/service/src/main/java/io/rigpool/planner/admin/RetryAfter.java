package io.rigpool.planner.admin;

import java.time.Duration;

/** A wait as the Retry-After header gives it: whole seconds, rounded up, at least 1. */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
