package io.rigpool.gateway.availability;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether one server the gateway needs (PostgreSQL, Kafka) looks up, from the outcomes of checks and of real work.
 * It is down after a failure until the next success, and also when no check has succeeded for a while, so a check
 * that hangs counts as a failure.
 */
public final class DependencyState {

    private final String name;
    private final long staleAfterNanos;
    private final LongSupplier nanoClock;
    private volatile long lastSuccessNanos;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private volatile boolean failedSinceSuccess;

    /** @param staleAfter how long without a success before the server counts as down */
    public DependencyState(String name, Duration staleAfter, LongSupplier nanoClock) {
        this.name = name;
        this.staleAfterNanos = staleAfter.toNanos();
        this.nanoClock = nanoClock;
        // Up until told otherwise: readiness, not this, holds traffic back while the gateway starts.
        this.lastSuccessNanos = nanoClock.getAsLong();
    }

    public void succeeded() {
        lastSuccessNanos = nanoClock.getAsLong();
        failedSinceSuccess = false;
    }

    public void failed(String reason) {
        lastFailureNanos = nanoClock.getAsLong();
        lastFailure = reason;
        failedSinceSuccess = true;
    }

    public boolean up() {
        return !failedSinceSuccess && nanoClock.getAsLong() - lastSuccessNanos < staleAfterNanos;
    }

    public String name() {
        return name;
    }

    /** Why it is down, for logs and the health page; null when it never failed. */
    public String lastFailure() {
        return lastFailure;
    }

    long lastFailureNanos() {
        return lastFailureNanos;
    }
}
