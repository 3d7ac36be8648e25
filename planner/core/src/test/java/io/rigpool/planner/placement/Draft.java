package io.rigpool.planner.placement;

import java.time.Instant;

/**
 * A hand-made draft for testing one placement step on its own, as Kafka tests each step of its assignors: the
 * problem indexed as the optimiser indexes it, an exact evaluator, a plan filled by hand and the notes a step
 * writes.
 */
record Draft(Fleet fleet, PlanEvaluator evaluator, WorkingPlan plan, Notes notes) {

    static final long MIB = SyntheticModels.MIB;
    static final long GIB = SyntheticModels.GIB;

    static Draft of(PlacementProblem problem) {
        Fleet fleet = new Fleet(problem);
        return new Draft(fleet, new PlanEvaluator(fleet, Integer.MAX_VALUE), new WorkingPlan(fleet), new Notes());
    }

    /**
     * A 4-layer model of 1,400 MiB, by default with 1 slot. With 1 slot it needs 2,000 MiB of VRAM and 400 MiB of
     * RAM at full offload (level 5), 850 MiB of VRAM with one layer on the GPU, and 1,900 MiB of RAM CPU-only.
     */
    static ModelSpec model(String id, double demand, int minReplicas, int... slotOptions) {
        ModelSpec m = SyntheticModels.model(id, demand, new long[] {300 * MIB, 300 * MIB, 300 * MIB, 300 * MIB},
                100 * MIB, 50 * MIB, slotOptions.length == 0 ? new int[] {1} : slotOptions);
        return new ModelSpec(m.modelId(), m.options(), m.demandTps(), minReplicas, m.fileBytes());
    }

    /** The runner of the plan in force for this model on this node, at that option and level, running since then. */
    static CurrentInstance running(String node, ModelSpec model, int option, int level, Instant since) {
        Footprint f = model.options().get(option);
        return new CurrentInstance(new Instance(node, model.modelId(), f.option(), f.step(level).gpuLayers()), since);
    }

    int node(String id) {
        return fleet.nodeIndex(id);
    }

    int model(String id) {
        return fleet.modelIndex(id);
    }

    /** The model's first option on the node, at full offload. */
    WorkingPlan.Runner runner(String node, String model) {
        int n = node(node);
        int m = model(model);
        return new WorkingPlan.Runner(n, m, 0, fleet.footprint(n, m, 0).fullOffload());
    }

    WorkingPlan.Runner runner(String node, String model, int option, int layers) {
        return new WorkingPlan.Runner(node(node), model(model), option, layers);
    }

    Draft with(String node, String model) {
        return with(runner(node, model));
    }

    Draft with(WorkingPlan.Runner r) {
        plan.add(r);
        return this;
    }

    /** What the plan runs of the model on the node, or null. */
    WorkingPlan.Runner on(String node, String model) {
        return plan.runnerOf(node(node), model(model));
    }
}
