package io.rigpool.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.auth.KeyLimits;
import io.rigpool.gateway.auth.Role;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final RateLimiter limiter = new RateLimiter(clock::get);

    @Test
    void aBurstPassesThenTheRateHoldsAndTheWaitIsExact() {
        Caller caller = caller(new KeyLimits(2, 3, 0));
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, limiter.acquire(caller), "burst request " + i);
        }
        assertEquals(Duration.ofMillis(500), limiter.acquire(caller));

        clock.addAndGet(Duration.ofMillis(499).toNanos());
        assertEquals(Duration.ofMillis(1), limiter.acquire(caller));
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals(Duration.ZERO, limiter.acquire(caller));
        assertTrue(limiter.acquire(caller).compareTo(Duration.ZERO) > 0);
    }

    @Test
    void aQuietKeyRefillsOnlyUpToItsBurst() {
        Caller caller = caller(new KeyLimits(1, 2, 0));
        clock.addAndGet(Duration.ofHours(1).toNanos());
        assertEquals(Duration.ZERO, limiter.acquire(caller));
        assertEquals(Duration.ZERO, limiter.acquire(caller));
        assertTrue(limiter.acquire(caller).compareTo(Duration.ZERO) > 0);
    }

    @Test
    void keysHaveBucketsOfTheirOwnAndTheAnonymousCallerHasNone() {
        Caller one = caller(new KeyLimits(1, 1, 0));
        Caller two = caller(new KeyLimits(1, 1, 0));
        assertEquals(Duration.ZERO, limiter.acquire(one));
        assertEquals(Duration.ZERO, limiter.acquire(two));
        for (int i = 0; i < 1000; i++) {
            assertEquals(Duration.ZERO, limiter.acquire(Caller.ANONYMOUS));
        }
    }

    @Test
    void changedLimitsTakeEffect() {
        UUID id = UUID.randomUUID();
        Caller strict = new Caller(id, "k", Role.USER, new KeyLimits(1, 1, 0));
        assertEquals(Duration.ZERO, limiter.acquire(strict));
        assertTrue(limiter.acquire(strict).compareTo(Duration.ZERO) > 0);
        Caller relaxed = new Caller(id, "k", Role.USER, new KeyLimits(100, 100, 0));
        assertEquals(Duration.ZERO, limiter.acquire(relaxed));
    }

    private static Caller caller(KeyLimits limits) {
        return new Caller(UUID.randomUUID(), "test", Role.USER, limits);
    }
}
