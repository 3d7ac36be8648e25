package io.rigpool.worker.planner;

import java.time.Duration;

/** Waits that double after each failed attempt, up to a ceiling, and start over after a success. */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private Duration current;

    public Backoff(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
        }
        this.min = min;
        this.max = max;
        this.current = min;
    }

    public synchronized Duration next() {
        Duration wait = current;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        return wait;
    }

    public synchronized void reset() {
        current = min;
    }
}
