package io.rigpool.planner.nodes;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often the planner planned and how long it took: every round of the optimiser, and the rounds that changed
 * the plan. Written on the fleet loop, read by the metrics from any thread.
 */
public final class PlanningRounds {

    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();

    void record(long nanos, boolean changed, boolean failed) {
        rounds.incrementAndGet();
        totalNanos.addAndGet(nanos);
        if (changed) {
            changes.incrementAndGet();
        }
        if (failed) {
            failures.incrementAndGet();
        }
    }

    /** Planning rounds run, whatever they decided. */
    public long rounds() {
        return rounds.get();
    }

    /** Rounds that produced a new plan version. */
    public long changes() {
        return changes.get();
    }

    /** Rounds whose optimiser threw (the plan in force stayed). */
    public long failures() {
        return failures.get();
    }

    /** Time spent in all rounds so far, nanoseconds. */
    public long totalNanos() {
        return totalNanos.get();
    }
}
