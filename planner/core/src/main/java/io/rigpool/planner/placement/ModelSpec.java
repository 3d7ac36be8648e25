package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A model the fleet could run: its footprint for each slot layout, and how much of it is wanted.
 *
 * @param options one footprint per slot layout the optimiser may choose (e.g. 1, 2 or 4 slots), kept in
 *     order of slots
 * @param demandTps decode tokens per second wanted (arrivals plus the backlog to work off); 0 when idle
 * @param minReplicas replicas an admin asked for, whatever the demand
 * @param fileBytes size of the model's file(s), which decides how long a load takes
 * @param architecture {@code general.architecture}; "" when unknown (then the default engine is assumed to load it)
 * @param alternatives the same slot layouts on other ladders (other engines, experts kept in RAM), in the
 *     order of preference after {@code options}: a node uses the first its engines can run (see
 *     {@link #optionsOn}); empty when every node runs {@code options}
 */
public record ModelSpec(String modelId, List<Footprint> options, double demandTps, int minReplicas,
        long fileBytes, String architecture, List<List<Footprint>> alternatives) {

    public ModelSpec {
        options = options.stream().sorted(Comparator.comparing(Footprint::option)).toList();
        List<SlotLayout> runnerOptions = options.stream().map(Footprint::option).toList();
        alternatives = alternatives.stream().map(a -> a.stream().sorted(Comparator.comparing(Footprint::option))
                .toList()).toList();
        architecture = architecture == null ? "" : architecture;
        if (options.isEmpty()) {
            throw new IllegalArgumentException(modelId + ": needs at least one slot layout");
        }
        if (alternatives.stream().anyMatch(a -> !a.stream().map(Footprint::option).toList().equals(runnerOptions))) {
            throw new IllegalArgumentException(modelId + ": every ladder needs the same slot layouts");
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
     * The footprints node n uses: the first ladder, in order of preference, whose every step an engine of the node
     * runs with its layers on the GPU; failing that (an engine without a GPU backend), the first whose engines
     * load the model, for CPU only ({@link #offloadsOn}); empty when no engine of the node loads it.
     */
    public List<Footprint> optionsOn(NodeSpec node) {
        for (List<Footprint> ladder : ladders()) {
            if (loadsEveryStep(node, ladder.get(0)) && offloadsEveryStep(node, ladder.get(0))) {
                return ladder;
            }
        }
        for (List<Footprint> ladder : ladders()) {
            if (loadsEveryStep(node, ladder.get(0))) {
                return ladder;
            }
        }
        return List.of();
    }

    /** Whether node n puts the GPU steps of the ladder it uses ({@link #optionsOn}) on its GPU. */
    public boolean offloadsOn(NodeSpec node) {
        List<Footprint> ladder = optionsOn(node);
        return !ladder.isEmpty() && offloadsEveryStep(node, ladder.get(0));
    }

    private List<List<Footprint>> ladders() {
        List<List<Footprint>> all = new java.util.ArrayList<>(alternatives.size() + 1);
        all.add(options);
        all.addAll(alternatives);
        return all;
    }

    private boolean loadsEveryStep(NodeSpec node, Footprint f) {
        return engines(f, false).stream().allMatch(kind -> node.loads(kind, architecture));
    }

    private boolean offloadsEveryStep(NodeSpec node, Footprint f) {
        return node.gpuOffload() && engines(f, true).stream().allMatch(kind -> node.offloads(kind, architecture));
    }

    private static Set<EngineKind> engines(Footprint f, boolean gpuStepsOnly) {
        Set<EngineKind> kinds = EnumSet.noneOf(EngineKind.class);
        for (int level = 0; level <= f.fullOffload(); level++) {
            if (!gpuStepsOnly || f.step(level).gpuLayers() > 0) {
                kinds.add(f.step(level).engine());
            }
        }
        return kinds;
    }

    /** Replicas the plan must have when nodes allow: the admin's minimum, and one for a model with demand. */
    public int requiredReplicas() {
        return Math.max(minReplicas, demandTps > 0 ? 1 : 0);
    }

    public Optional<Footprint> footprint(SlotLayout option) {
        return options.stream().filter(f -> f.option().equals(option)).findFirst();
    }
}
