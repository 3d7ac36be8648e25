package io.rigpool.planner.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.planner.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofHours(1), 2);

    @Test
    void afterTheFreeAttemptsEachWrongKeyDoublesTheWaitUpToTheMaximum() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.9");
            assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9"), "free attempt " + (i + 1));
        }
        throttle.failed("10.0.0.9");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("10.0.0.9"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9"));
        throttle.failed("10.0.0.9");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.retryAfter("10.0.0.9"));
        throttle.failed("10.0.0.9");
        throttle.failed("10.0.0.9");
        assertEquals(Optional.of(Duration.ofSeconds(5)), throttle.retryAfter("10.0.0.9"), "capped");
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.7"), "other addresses are not slowed down");
    }

    @Test
    void theRightKeyOrAQuietHourStartsAfresh() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.9");
        }
        throttle.succeeded("10.0.0.9");
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.9"));
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.8");
        }
        clock.advance(Duration.ofHours(2));
        throttle.failed("10.0.0.8");
        assertEquals(Optional.empty(), throttle.retryAfter("10.0.0.8"), "counted as a first failure again");
    }

    @Test
    void aFullTableKeepsTheAddressesLockedOutNow() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1");
        }
        throttle.failed("10.0.0.2");
        throttle.failed("10.0.0.3");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("10.0.0.1"));
    }
}
