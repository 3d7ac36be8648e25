package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A model the fleet could run: its footprint for each runner option, and how much of it is wanted.
 *
 * @param options one footprint per runner option the optimiser may choose (e.g. 1, 2 or 4 slots), kept in
 *     order of slots
 * @param demandTps decode tokens per second wanted (arrivals plus the backlog to work off); 0 when idle
 * @param minReplicas replicas an admin asked for, whatever the demand
 * @param fileBytes size of the model's file(s), which decides how long a load takes
 * @param architecture {@code general.architecture}; "" when unknown (then the default engine is assumed to load it)
 * @param expertOffloadOptions for a mixture-of-experts model the default engine loads as well: the same runner
 *     options on the ladder that keeps experts in RAM (llama-server), used on the nodes whose engines run every
 *     step of it; empty otherwise
 */
public record ModelSpec(String modelId, List<Footprint> options, double demandTps, int minReplicas,
        long fileBytes, String architecture, List<Footprint> expertOffloadOptions) {

    public ModelSpec {
        options = options.stream().sorted(Comparator.comparing(Footprint::option)).toList();
        expertOffloadOptions = expertOffloadOptions.stream().sorted(Comparator.comparing(Footprint::option))
                .toList();
        architecture = architecture == null ? "" : architecture;
        if (options.isEmpty()) {
            throw new IllegalArgumentException(modelId + ": needs at least one runner option");
        }
        if (!expertOffloadOptions.isEmpty() && !expertOffloadOptions.stream().map(Footprint::option).toList()
                .equals(options.stream().map(Footprint::option).toList())) {
            throw new IllegalArgumentException(modelId + ": expert-offload footprints need the same runner options");
        }
        if (!(demandTps >= 0) || Double.isInfinite(demandTps)) {
            throw new IllegalArgumentException(modelId + ": demand must be a finite number >= 0");
        }
        if (minReplicas < 0) {
            throw new IllegalArgumentException(modelId + ": minReplicas must be >= 0");
        }
    }

    /** A model of unknown architecture with one ladder for every node. */
    public ModelSpec(String modelId, List<Footprint> options, double demandTps, int minReplicas, long fileBytes) {
        this(modelId, options, demandTps, minReplicas, fileBytes, "", List.of());
    }

    /**
     * The footprints node n uses: those that keep experts in RAM where its engines run every step of them, else
     * the default ones where its engines run those; empty when no engine of the node can run the model.
     */
    public List<Footprint> optionsOn(NodeSpec node) {
        if (!expertOffloadOptions.isEmpty() && runsEveryStep(node, expertOffloadOptions.get(0))) {
            return expertOffloadOptions;
        }
        return runsEveryStep(node, options.get(0)) ? options : List.of();
    }

    private boolean runsEveryStep(NodeSpec node, Footprint f) {
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (int level = 0; level <= f.fullOffload(); level++) {
            kinds.add(f.step(level).engine());
        }
        return kinds.stream().allMatch(kind -> node.loads(kind, architecture));
    }

    /** Replicas the plan must have when nodes allow: the admin's minimum, and one for a model with demand. */
    public int requiredReplicas() {
        return Math.max(minReplicas, demandTps > 0 ? 1 : 0);
    }

    public Optional<Footprint> footprint(RunnerOption option) {
        return options.stream().filter(f -> f.option().equals(option)).findFirst();
    }
}
