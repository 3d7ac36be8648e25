package io.rigpool.planner.nodes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunnerCrashCounterTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void onlyRepeatedCrashesWithinTheWindowCount() {
        RunnerCrashCounter crashes = new RunnerCrashCounter(3, Duration.ofMinutes(5));

        assertFalse(crashes.crashed("pc-1/m", T0));
        assertFalse(crashes.crashed("pc-1/m", T0.plusSeconds(60)));
        assertFalse(crashes.crashed("pc-2/m", T0.plusSeconds(61)), "another node's crashes are its own");
        assertFalse(crashes.crashed("pc-1/m", T0.plusSeconds(400)), "the first two are out of the window");
        assertFalse(crashes.crashed("pc-1/m", T0.plusSeconds(401)));
        assertTrue(crashes.crashed("pc-1/m", T0.plusSeconds(402)), "three within five minutes");
        assertFalse(crashes.crashed("pc-1/m", T0.plusSeconds(403)), "counted afresh after the verdict");
    }

    @Test
    void aLimitOfOneMakesEveryCrashCount() {
        assertTrue(new RunnerCrashCounter(1, Duration.ofMinutes(5)).crashed("pc-1/m", T0));
        assertThrows(IllegalArgumentException.class, () -> new RunnerCrashCounter(0, Duration.ofMinutes(5)));
    }
}
