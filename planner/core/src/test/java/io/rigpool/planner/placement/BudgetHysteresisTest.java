package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BudgetHysteresisTest {

    private static final long MIB = 1L << 20;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BudgetHysteresis.Settings settings = new BudgetHysteresis.Settings(512 * MIB, Duration.ofSeconds(60));

    @Test
    void aLargeDropCountsAtOnceAndARiseOnlyAfterItHeld() {
        BudgetHysteresis budget = new BudgetHysteresis(settings);
        assertEquals(8000 * MIB, budget.observe(8000 * MIB, T0));
        assertEquals(2000 * MIB, budget.observe(2000 * MIB, T0.plusSeconds(3)), "a game started");
        assertEquals(2000 * MIB, budget.observe(7900 * MIB, T0.plusSeconds(6)), "the rise must hold first");
        assertEquals(T0.plusSeconds(66), budget.pendingRiseAt());
        assertEquals(2000 * MIB, budget.observe(8000 * MIB, T0.plusSeconds(40)));
        assertEquals(7900 * MIB, budget.observe(8000 * MIB, T0.plusSeconds(66)), "the lowest value seen meanwhile");
    }

    @Test
    void aDipDuringARiseRestartsIt() {
        BudgetHysteresis budget = new BudgetHysteresis(settings);
        budget.observe(2000 * MIB, T0);
        budget.observe(6000 * MIB, T0.plusSeconds(10));
        budget.observe(2100 * MIB, T0.plusSeconds(20));
        assertEquals(2000 * MIB, budget.observe(6000 * MIB, T0.plusSeconds(75)), "the dip restarted the wait");
        assertEquals(6000 * MIB, budget.observe(6000 * MIB, T0.plusSeconds(136)));
    }

    @Test
    void aFlickeringReadingChangesTheBudgetRarely() {
        BudgetHysteresis budget = new BudgetHysteresis(settings);
        Random rnd = new Random(7);
        long previous = budget.observe(6000 * MIB, T0);
        int changes = 0;
        // One reading every 3 s for an hour: ±400 MiB of noise, plus a game that comes and goes every 20 s.
        for (int i = 1; i < 1200; i++) {
            long game = (i / 7) % 2 == 0 ? 0 : 1500 * MIB;
            long reading = 6000 * MIB - game + (long) ((rnd.nextDouble() - 0.5) * 800 * MIB);
            long now = budget.observe(reading, T0.plusSeconds(3L * i));
            if (now != previous) {
                changes++;
            }
            previous = now;
        }
        assertTrue(changes <= 2, "the budget changed " + changes + " times in an hour");
    }
}
