package io.rigpool.planner.placement;

import java.time.Instant;

/**
 * A runner of the plan in force (assigned, loading or loaded), and since when: a runner younger than the minimum
 * dwell time is not changed for a small gain.
 */
public record CurrentInstance(Instance instance, Instant since) {
}
