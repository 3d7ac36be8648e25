package io.rigpool.common.retry;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The waits themselves are checked where a guard runs (it needs the Quarkus extension): gateway OutageRetryTest. */
class RetryForeverTest {

    @Test
    void aFirstWaitOfZeroOrACeilingBelowItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RetryForever.doubling(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> RetryForever.doubling(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
