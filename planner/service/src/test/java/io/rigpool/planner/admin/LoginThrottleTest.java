package io.rigpool.planner.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private Instant now = Instant.parse("2026-12-06T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
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
        now = now.plusSeconds(1);
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
        now = now.plus(Duration.ofHours(2));
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
