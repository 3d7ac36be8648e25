package io.rigpool.gateway.limits;

import java.time.Duration;

/**
 * A token bucket: holds up to {@code burst} tokens, refills at {@code ratePerSecond}, and each request takes one.
 * Time comes in as nanoseconds from the caller, so tests control it.
 */
final class TokenBucket {

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long refilledAtNanos;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.refilledAtNanos = nowNanos;
    }

    /** Takes a token; when there is none, how long until there is one (and nothing is taken). */
    synchronized Duration tryTake(long nowNanos) {
        long elapsed = nowNanos - refilledAtNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * ratePerNano);
            refilledAtNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano));
    }

    boolean sameShape(double ratePerSecond, int burst) {
        return ratePerNano == ratePerSecond / 1e9 && capacity == Math.max(1, burst);
    }
}
