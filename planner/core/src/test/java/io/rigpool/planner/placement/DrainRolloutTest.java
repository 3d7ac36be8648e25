package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainRolloutTest {

    private static final SlotLayout ONE = new SlotLayout(1, 4096);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Instance chat = new Instance("pc", "chat", ONE, 33);
    private final Instance chatFewerLayers = new Instance("pc", "chat", ONE, 20);
    private final Instance code = new Instance("pc", "code", ONE, 10);

    @Test
    void aBusyRunnerDrainsBeforeItIsChangedAndNewRunnersWait() {
        DrainRollout.Step step = DrainRollout.next(List.of(chatFewerLayers, code), List.of(chat), Map.of("chat", 2),
                Map.of(), T0, TIMEOUT);
        assertFalse(step.complete());
        assertEquals(List.of(new DrainRollout.Entry(chat, true)), step.send());
        assertEquals(T0, step.drainingSince().get("chat"));

        DrainRollout.Step later = DrainRollout.next(List.of(chatFewerLayers, code), List.of(chat), Map.of("chat", 0),
                step.drainingSince(), T0.plusSeconds(20), TIMEOUT);
        assertTrue(later.complete());
        assertEquals(List.of(new DrainRollout.Entry(chatFewerLayers, false), new DrainRollout.Entry(code, false)),
                later.send());
    }

    @Test
    void anIdleRunnerChangesAtOnceAndKeptRunnersAreNeverHeldBack() {
        DrainRollout.Step step = DrainRollout.next(List.of(code, chatFewerLayers), List.of(chat, code),
                Map.of("code", 1), Map.of(), T0, TIMEOUT);
        assertTrue(step.complete());
        assertEquals(List.of(new DrainRollout.Entry(code, false), new DrainRollout.Entry(chatFewerLayers, false)),
                step.send());
    }

    @Test
    void aDrainThatOutlivesItsTimeoutEnds() {
        DrainRollout.Step step = DrainRollout.next(List.of(), List.of(chat), Map.of("chat", 1),
                Map.of("chat", T0), T0.plus(TIMEOUT), TIMEOUT);
        assertTrue(step.complete());
        assertEquals(List.of(), step.send());
    }
}
