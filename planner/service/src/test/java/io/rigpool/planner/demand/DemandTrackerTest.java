package io.rigpool.planner.demand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemandTrackerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void arrivalsAndBacklogBecomeTokensPerSecond() {
        DemandTracker tracker = new DemandTracker(200, Duration.ofSeconds(60), 1.0);
        tracker.update(List.of(new DemandTracker.Reading("chat", 100, 100, T0)));
        Map<String, DemandTracker.Demand> d = tracker.update(List.of(new DemandTracker.Reading("chat", 150, 130,
                T0.plusSeconds(10))));
        DemandTracker.Demand chat = d.get("chat");
        assertEquals(5.0, chat.arrivalsPerSecond(), 1e-9, "50 jobs in 10 s");
        assertEquals(20, chat.backlog());
        assertEquals((5.0 + 20 / 60.0) * 200, chat.tokensPerSecond(), 1e-9);
    }

    @Test
    void theRateIsSmoothedAndAVanishedTopicHasNoDemand() {
        DemandTracker tracker = new DemandTracker(100, Duration.ofSeconds(30), 0.5);
        tracker.update(List.of(new DemandTracker.Reading("m", 0, 0, T0)));
        tracker.update(List.of(new DemandTracker.Reading("m", 100, 100, T0.plusSeconds(10))));
        Map<String, DemandTracker.Demand> d = tracker.update(List.of(new DemandTracker.Reading("m", 100, 100,
                T0.plusSeconds(20))));
        assertEquals(2.5, d.get("m").arrivalsPerSecond(), 1e-9, "half of 10/s, then half of that");
        assertFalse(tracker.update(List.of()).containsKey("m"));
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DemandTracker(0, Duration.ofSeconds(1), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new DemandTracker(1, Duration.ZERO, 0.5));
    }
}
