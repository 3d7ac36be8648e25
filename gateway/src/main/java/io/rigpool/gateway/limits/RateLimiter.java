package io.rigpool.gateway.limits;

import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.auth.KeyLimits;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Submissions per key and second, counted by this gateway instance alone: with several instances behind a load
 * balancer a key gets up to that many times its rate. Sharing the count would put a database or cache round trip on
 * every request; concurrency, the limit that protects the workers, is counted in the database instead.
 */
public final class RateLimiter {

    private final Map<UUID, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** {@link Duration#ZERO} when the caller may submit now, else how long until it may. */
    public Duration acquire(Caller caller) {
        KeyLimits limits = caller.limits();
        if (!limits.rateLimited() || caller.keyId() == null) {
            return Duration.ZERO;
        }
        long now = nanoClock.getAsLong();
        TokenBucket bucket = buckets.compute(caller.keyId(), (id, existing) ->
                existing != null && existing.sameShape(limits.ratePerSecond(), limits.burst())
                        ? existing
                        : new TokenBucket(limits.ratePerSecond(), limits.burst(), now));
        return bucket.tryTake(now);
    }
}
