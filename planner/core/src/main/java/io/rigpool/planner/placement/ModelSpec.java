package io.rigpool.planner.placement;

import java.util.List;
import java.util.Optional;

/**
 * A model the fleet could run: its footprint for each runner option, and how much of it is wanted.
 *
 * @param options one footprint per runner option the optimiser may choose (e.g. 1, 2 or 4 slots), kept in
 *     order of slots
 * @param demandTps decode tokens per second wanted (arrivals plus the backlog to work off); 0 when idle
 * @param minReplicas replicas an admin asked for, whatever the demand
 * @param fileBytes size of the model's file(s), which decides how long a load takes
 */
public record ModelSpec(String modelId, List<Footprint> options, double demandTps, int minReplicas,
        long fileBytes) {

    public ModelSpec {
        options = options.stream().sorted(java.util.Comparator.comparing(Footprint::option)).toList();
        if (options.isEmpty()) {
            throw new IllegalArgumentException(modelId + ": needs at least one runner option");
        }
        if (!(demandTps >= 0) || Double.isInfinite(demandTps)) {
            throw new IllegalArgumentException(modelId + ": demand must be a finite number >= 0");
        }
        if (minReplicas < 0) {
            throw new IllegalArgumentException(modelId + ": minReplicas must be >= 0");
        }
    }

    /** Replicas the plan must have when nodes allow: the admin's minimum, and one for a model with demand. */
    public int requiredReplicas() {
        return Math.max(minReplicas, demandTps > 0 ? 1 : 0);
    }

    public Optional<Footprint> footprint(RunnerOption option) {
        return options.stream().filter(f -> f.option().equals(option)).findFirst();
    }
}
