package io.rigpool.gateway.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DependencyProbeTest {

    final AtomicLong clock = new AtomicLong();
    final DependencyState state = new DependencyState("Kafka", Duration.ofSeconds(3), clock::get);
    final AtomicBoolean reachable = new AtomicBoolean(true);
    final DependencyProbe probe = new DependencyProbe(state, () -> {
        if (!reachable.get()) {
            throw new ConnectException("connection refused");
        }
    });

    @Test
    void aFailedCheckIsDownUntilTheNextSuccess() {
        probe.checkOnce();
        assertTrue(state.up());

        reachable.set(false);
        probe.checkOnce();
        assertFalse(state.up());
        assertTrue(state.lastFailure().contains("connection refused"));

        reachable.set(true);
        probe.checkOnce();
        assertTrue(state.up());
    }

    @Test
    void noSuccessForLongerThanTheStaleTimeIsDownAsWell() {
        probe.checkOnce();
        clock.addAndGet(Duration.ofMillis(2_999).toNanos());
        assertTrue(state.up());
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertFalse(state.up(), "a check that hangs must not leave the server up");
    }

    @Test
    void aFailureOfRealWorkCountsAtOnce() {
        probe.checkOnce();
        state.failed("insert failed: connection reset");
        assertFalse(state.up());
        assertEquals("Kafka", state.name());
    }
}
