package io.rigpool.common.retry;

import io.smallrye.faulttolerance.api.Guard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * The one retry shape rigpool uses for a dependency that comes back by itself (PostgreSQL, the planner): try again
 * forever, waiting {@code first}, then twice as long each time up to {@code max}. No jitter and no time limit, which
 * SmallRye Fault Tolerance would otherwise add (200 ms jitter, 3 minutes): giving up would lose work, and the waits
 * are what the configuration says.
 */
public final class RetryForever {

    private RetryForever() {
    }

    /** For {@code Guard.create().withRetry().with(RetryForever.doubling(first, max))...done()}. */
    public static Consumer<Guard.Builder.RetryBuilder> doubling(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry needs 0 < first <= max, got " + first + " and " + max);
        }
        return retry -> {
            retry.maxRetries(-1)
                    .maxDuration(0, ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    .delay(first.toMillis(), ChronoUnit.MILLIS);
            // The exponential back-off refuses a ceiling equal to its first wait; equal means a constant wait.
            if (max.compareTo(first) > 0) {
                retry.withExponentialBackoff().factor(2).maxDelay(max.toMillis(), ChronoUnit.MILLIS).done();
            }
        };
    }
}
