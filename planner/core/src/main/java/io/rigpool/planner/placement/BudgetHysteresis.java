package io.rigpool.planner.placement;

import java.time.Duration;
import java.time.Instant;

/**
 * Smooths one node's VRAM budget so that a flickering free-VRAM reading cannot cause a reload storm. A fall by
 * more than the tolerance counts at once (the owner started a game: our runners must make room now); a rise by
 * more than the tolerance counts only after it has held for the dwell time, and then at the lowest value seen
 * meanwhile (a game that quits for a minute and comes back does not pull runners up and down); anything within
 * the tolerance is ignored (the node's reserve absorbs it). Not thread-safe: one per node, on the fleet loop.
 */
public final class BudgetHysteresis {

    /**
     * @param tolerance changes smaller than this are noise
     * @param riseDwell how long a higher value must hold before plans may use it
     */
    public record Settings(long tolerance, Duration riseDwell) {
    }

    private final Settings settings;
    private long effective = Long.MIN_VALUE;
    private long risingLow;
    private Instant risingSince;

    public BudgetHysteresis(Settings settings) {
        this.settings = settings;
    }

    /** Takes a new reading; returns the budget plans should use from now on. */
    public long observe(long observed, Instant now) {
        if (effective == Long.MIN_VALUE || observed <= effective - settings.tolerance()) {
            effective = observed;
            risingSince = null;
        } else if (observed >= effective + settings.tolerance()) {
            if (risingSince == null) {
                risingSince = now;
                risingLow = observed;
            } else {
                risingLow = Math.min(risingLow, observed);
            }
            if (!now.isBefore(risingSince.plus(settings.riseDwell()))) {
                effective = risingLow;
                risingSince = null;
            }
        } else {
            risingSince = null;
        }
        return effective;
    }

    /** The budget in force (Long.MIN_VALUE before the first reading). */
    public long effective() {
        return effective;
    }

    /** When a rise seen now would be taken, or null when none is pending. */
    public Instant pendingRiseAt() {
        return risingSince == null ? null : risingSince.plus(settings.riseDwell());
    }
}
