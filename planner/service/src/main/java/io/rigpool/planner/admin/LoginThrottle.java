package io.rigpool.planner.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down guessing the admin key, per client address: after {@code freeAttempts} wrong keys in a row, each further
 * one locks that address out for twice as long as the one before (from {@code firstLockout} up to
 * {@code maxLockout}); a right key clears its record. An address quiet for {@code forgetAfter} starts afresh. At most
 * {@code maxAddresses} are tracked, so a sender of many addresses cannot grow it without end. Thread-safe.
 */
public final class LoginThrottle {

    private record Record(int failures, Instant lastFailure, Instant lockedUntil) {
    }

    private final Clock clock;
    private final int freeAttempts;
    private final Duration firstLockout;
    private final Duration maxLockout;
    private final Duration forgetAfter;
    private final int maxAddresses;
    private final Map<String, Record> records = new HashMap<>();

    public LoginThrottle(Clock clock, int freeAttempts, Duration firstLockout, Duration maxLockout,
            Duration forgetAfter, int maxAddresses) {
        this.clock = clock;
        this.freeAttempts = freeAttempts;
        this.firstLockout = firstLockout;
        this.maxLockout = maxLockout;
        this.forgetAfter = forgetAfter;
        this.maxAddresses = maxAddresses;
    }

    /** How long this address must still wait before its next try, or empty when it may try now. */
    public synchronized Optional<Duration> retryAfter(String address) {
        Record r = records.get(address);
        Instant now = clock.instant();
        if (r == null || !r.lockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, r.lockedUntil()));
    }

    /** A wrong key from this address. */
    public synchronized void failed(String address) {
        Instant now = clock.instant();
        Record before = records.get(address);
        int failures = before == null || before.lastFailure().plus(forgetAfter).isBefore(now) ? 1
                : before.failures() + 1;
        Instant lockedUntil = now;
        if (failures > freeAttempts) {
            int doublings = Math.min(30, failures - freeAttempts - 1);
            Duration lockout = firstLockout.multipliedBy(1L << doublings);
            lockedUntil = now.plus(lockout.compareTo(maxLockout) > 0 ? maxLockout : lockout);
        }
        if (before == null && records.size() >= maxAddresses) {
            prune(now);
        }
        records.put(address, new Record(failures, now, lockedUntil));
    }

    /** The right key from this address: its record goes. */
    public synchronized void succeeded(String address) {
        records.remove(address);
    }

    private void prune(Instant now) {
        records.values().removeIf(r -> !r.lockedUntil().isAfter(now) && r.lastFailure().plus(forgetAfter)
                .isBefore(now));
        if (records.size() >= maxAddresses) {
            // Still full: keep only addresses locked out now, the ones whose guessing is being slowed down.
            records.values().removeIf(r -> !r.lockedUntil().isAfter(now));
        }
    }
}
