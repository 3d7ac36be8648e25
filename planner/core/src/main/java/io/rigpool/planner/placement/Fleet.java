package io.rigpool.planner.placement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A planning problem indexed for the search: nodes and models by number, which node may run which model, and
 * the runners in force. Read-only once built.
 */
final class Fleet {

    /** What a runner of the plan in force looked like, and whether it may be changed for a gain. */
    record Incumbent(int option, int layers, boolean frozen) {
    }

    final PlacementProblem problem;
    final NodeSpec[] nodes;
    final ModelSpec[] models;
    final double[] demand;
    final double[] loadWeight;
    /**
     * Per node, the models it may run (holds the file, schedulable, not excluded, an engine loads it), in model
     * order.
     */
    final int[][] eligible;
    /** Per node and model, the footprints the node's engines run (ModelSpec.optionsOn); null where none does. */
    private final Footprint[][][] footprints;
    /** Per node and model, whether the engines of its ladder put layers on the node's GPU (ModelSpec.offloadsOn). */
    private final boolean[][] offloads;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final Map<String, Integer> modelIndex = new HashMap<>();
    private final Map<Long, Incumbent> incumbents = new HashMap<>();
    private final Map<Long, Boolean> pinned = new HashMap<>();

    Fleet(PlacementProblem problem) {
        this.problem = problem;
        this.nodes = problem.nodes().toArray(NodeSpec[]::new);
        this.models = problem.models().toArray(ModelSpec[]::new);
        demand = new double[models.length];
        loadWeight = new double[models.length];
        for (int m = 0; m < models.length; m++) {
            modelIndex.put(models[m].modelId(), m);
            demand[m] = models[m].demandTps();
            loadWeight[m] = problem.settings().servingShareAfterLoad(models[m].fileBytes());
        }
        eligible = new int[nodes.length][];
        footprints = new Footprint[nodes.length][models.length][];
        offloads = new boolean[nodes.length][models.length];
        Map<List<Footprint>, Footprint[]> shared = new HashMap<>();
        for (int n = 0; n < nodes.length; n++) {
            nodeIndex.put(nodes[n].nodeId(), n);
            List<Integer> list = new ArrayList<>();
            for (int m = 0; m < models.length; m++) {
                List<Footprint> options = models[m].optionsOn(nodes[n]);
                if (!options.isEmpty()) {
                    footprints[n][m] = shared.computeIfAbsent(options, o -> o.toArray(Footprint[]::new));
                    offloads[n][m] = models[m].offloadsOn(nodes[n]);
                }
                if (nodes[n].schedulable() && nodes[n].holds(models[m].modelId()) && footprints[n][m] != null
                        && !problem.excluded().contains(PlacementProblem.pairKey(nodes[n].nodeId(),
                                models[m].modelId()))) {
                    list.add(m);
                }
            }
            eligible[n] = list.stream().mapToInt(Integer::intValue).toArray();
        }
        for (Pin pin : problem.pins()) {
            Integer n = nodeIndex.get(pin.nodeId());
            Integer m = modelIndex.get(pin.modelId());
            if (n != null && m != null) {
                pinned.put(key(n, m), true);
            }
        }
        Instant now = problem.now();
        for (CurrentInstance c : problem.current()) {
            Integer n = nodeIndex.get(c.instance().nodeId());
            Integer m = modelIndex.get(c.instance().modelId());
            if (n == null || m == null) {
                continue;
            }
            int option = optionIndex(m, c.instance().option());
            int level = level(n, m, option, c.instance());
            boolean frozen = !problem.scope().allows(c.instance().nodeId())
                    || c.since() != null && c.since().plus(problem.settings().minDwell()).isAfter(now);
            incumbents.putIfAbsent(key(n, m), new Incumbent(option, level, frozen));
        }
    }

    static long key(int node, int model) {
        return (long) node << 32 | model;
    }

    Integer nodeIndex(String nodeId) {
        return nodeIndex.get(nodeId);
    }

    Integer modelIndex(String modelId) {
        return modelIndex.get(modelId);
    }

    int optionIndex(int model, SlotLayout option) {
        List<Footprint> options = models[model].options();
        for (int o = 0; o < options.size(); o++) {
            if (options.get(o).option().equals(option)) {
                return o;
            }
        }
        return -1;
    }

    /** The footprint node n runs model m's option with (its engines decide the ladder). */
    Footprint footprint(int node, int model, int option) {
        Footprint[] options = footprints[node][model];
        return options != null ? options[option] : models[model].options().get(option);
    }

    Footprint footprint(WorkingPlan.Runner r) {
        return footprint(r.node(), r.model(), r.option());
    }

    /**
     * The ladder level of a runner the plan in force has (or a caller proposes), or -1 when its figures are not on
     * the node's ladder for the model (another engine's, or more layers than the model has).
     */
    int level(int node, int model, int option, Instance i) {
        if (option < 0) {
            return -1;
        }
        return footprint(node, model, option).level(i.gpuLayers(), i.expertLayersOnCpu());
    }

    int optionCount(int model) {
        return models[model].options().size();
    }

    double capacity(int node, int model, int option, int layers) {
        NodeSpec n = nodes[node];
        return footprint(node, model, option).tokensPerSecond(layers, n.gpuBandwidth(), n.cpuBandwidth(),
                n.stepOverheadSeconds());
    }

    /**
     * The most n_gpu_layers the node may give the model: 0 without a proven GPU backend, what a load there really
     * offloaded after a short offload, else no limit.
     */
    int maxGpuLayers(int node, int model) {
        if (!offloads(node, model)) {
            return 0;
        }
        LayerCap cap = layerCap(node, model);
        return cap == null ? Integer.MAX_VALUE : cap.layers();
    }

    /** Whether the node puts the model's layers on its GPU: a proven backend for the engines that would run them. */
    boolean offloads(int node, int model) {
        return nodes[node].gpuOffload() && offloads[node][model];
    }

    /** Why the node runs the model on the CPU only, in the node's words where it gave them. */
    String cpuOnlyReason(int node, int model) {
        NodeSpec n = nodes[node];
        if (!n.gpuOffload() || footprints[node][model] == null) {
            return Reasons.cpuOnly(n);
        }
        Footprint f = footprints[node][model][0];
        List<String> without = new ArrayList<>();
        for (NodeEngine e : n.engines()) {
            boolean needed = false;
            for (int level = 1; level <= f.fullOffload(); level++) {
                needed |= f.step(level).engine() == e.kind();
            }
            if (needed && !e.gpuProven()) {
                without.add(e.label());
            }
        }
        return "node " + n.nodeId() + " runs " + models[model].modelId() + " on the CPU only: "
                + String.join(" and ", without) + " proved no GPU backend there";
    }

    LayerCap layerCap(int node, int model) {
        return problem.layerCaps().get(PlacementProblem.pairKey(nodes[node].nodeId(), models[model].modelId()));
    }

    boolean isEligible(int node, int model) {
        for (int m : eligible[node]) {
            if (m == model) {
                return true;
            }
        }
        return false;
    }

    /** How many nodes may run the model. */
    int eligibleNodes(int model) {
        int count = 0;
        for (int n = 0; n < nodes.length; n++) {
            if (isEligible(n, model)) {
                count++;
            }
        }
        return count;
    }

    Incumbent incumbent(int node, int model) {
        return incumbents.get(key(node, model));
    }

    /** A runner of the plan in force that this round must leave as it is (dwell time, or outside the scope). */
    boolean frozen(int node, int model, int option, int layers) {
        Incumbent before = incumbent(node, model);
        return before != null && before.frozen() && before.option() == option && before.layers() == layers;
    }

    boolean pinned(int node, int model) {
        return pinned.containsKey(key(node, model));
    }

    /** How a runner compares with the plan in force on its node. */
    PlannedInstance.Change changeOf(int node, int model, int option, int layers) {
        Incumbent before = incumbent(node, model);
        if (before == null) {
            return PlannedInstance.Change.NEW;
        }
        return before.option() == option && before.layers() == layers ? PlannedInstance.Change.KEPT
                : PlannedInstance.Change.RELOADED;
    }

    double weight(int node, int model, int option, int layers) {
        return changeOf(node, model, option, layers) == PlannedInstance.Change.KEPT ? 1 : loadWeight[model];
    }

    int modelCount() {
        return models.length;
    }

    int nodeCount() {
        return nodes.length;
    }
}
