package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The optimiser's mutable draft: runners per node and the memory they take. Copied before a trial move. */
final class WorkingPlan {

    /** One runner of the draft, by index into the {@link Fleet}. */
    record Runner(int node, int model, int option, int layers) {
    }

    static final Comparator<Runner> ORDER = Comparator.comparingInt(Runner::node).thenComparingInt(Runner::model);

    private final Fleet fleet;
    private final List<List<Runner>> byNode;
    private final long[] vramUsed;
    private final long[] ramUsed;
    private final int[] replicas;
    private int size;

    WorkingPlan(Fleet fleet) {
        this.fleet = fleet;
        byNode = new ArrayList<>(fleet.nodeCount());
        for (int n = 0; n < fleet.nodeCount(); n++) {
            byNode.add(new ArrayList<>(2));
        }
        vramUsed = new long[fleet.nodeCount()];
        ramUsed = new long[fleet.nodeCount()];
        replicas = new int[fleet.modelCount()];
    }

    private WorkingPlan(WorkingPlan other) {
        fleet = other.fleet;
        byNode = new ArrayList<>(other.byNode.size());
        other.byNode.forEach(list -> byNode.add(new ArrayList<>(list)));
        vramUsed = other.vramUsed.clone();
        ramUsed = other.ramUsed.clone();
        replicas = other.replicas.clone();
        size = other.size;
    }

    WorkingPlan copy() {
        return new WorkingPlan(this);
    }

    Fleet fleet() {
        return fleet;
    }

    long vramLeft(int node) {
        return fleet.nodes[node].vramBudget() - vramUsed[node];
    }

    long ramLeft(int node) {
        return fleet.nodes[node].ramBudget() - ramUsed[node];
    }

    boolean hosts(int node, int model) {
        return runnerOf(node, model) != null;
    }

    Runner runnerOf(int node, int model) {
        for (Runner r : byNode.get(node)) {
            if (r.model() == model) {
                return r;
            }
        }
        return null;
    }

    /** The largest n_gpu_layers of this model and option that fits what the node has left, or -1. */
    int largestFitting(int node, int model, int option) {
        return fleet.footprint(node, model, option).largestFitting(vramLeft(node), ramLeft(node),
                fleet.maxGpuLayers(node, model));
    }

    boolean fits(int node, int model, int option, int layers) {
        Footprint f = fleet.footprint(node, model, option);
        return layers <= fleet.maxGpuLayers(node, model) && f.gpuBytes(layers) <= vramLeft(node)
                && f.cpuBytes(layers) <= ramLeft(node);
    }

    void add(Runner r) {
        if (hosts(r.node(), r.model())) {
            throw new IllegalStateException("node " + r.node() + " already runs model " + r.model());
        }
        Footprint f = fleet.footprint(r);
        byNode.get(r.node()).add(r);
        byNode.get(r.node()).sort(ORDER);
        vramUsed[r.node()] += f.gpuBytes(r.layers());
        ramUsed[r.node()] += f.cpuBytes(r.layers());
        replicas[r.model()]++;
        size++;
    }

    void remove(Runner r) {
        if (!byNode.get(r.node()).remove(r)) {
            throw new IllegalStateException("not in the plan: " + r);
        }
        Footprint f = fleet.footprint(r);
        vramUsed[r.node()] -= f.gpuBytes(r.layers());
        ramUsed[r.node()] -= f.cpuBytes(r.layers());
        replicas[r.model()]--;
        size--;
    }

    List<Runner> on(int node) {
        return byNode.get(node);
    }

    int replicas(int model) {
        return replicas[model];
    }

    int size() {
        return size;
    }

    /** Every runner, by node then model. */
    List<Runner> runners() {
        List<Runner> all = new ArrayList<>(size);
        byNode.forEach(all::addAll);
        return all;
    }

    /** Replicas towards each model's requirement, capped by it: the plan's first goal. */
    int coverage() {
        int covered = 0;
        for (int m = 0; m < fleet.modelCount(); m++) {
            covered += Math.min(replicas[m], fleet.models[m].requiredReplicas());
        }
        return covered;
    }

    /** Same runners with the same parameters. */
    boolean sameAs(WorkingPlan other) {
        return runners().equals(other.runners());
    }
}
