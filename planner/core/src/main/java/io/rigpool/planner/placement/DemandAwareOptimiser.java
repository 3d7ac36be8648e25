package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * rigpool's optimiser. It keeps what runs and still fits, honours pins, gives every model with demand (or an
 * admin's minimum) its replicas, then adds runners where they serve the most demand and improves the draft by
 * local moves, each judged by the objective ({@link Objective}): served throughput of the whole plan less the cost
 * of the loads it needs, then, among plans that serve as much, the memory of runners that serve nothing, tok/s
 * served from CPU layers, headroom and per-request speed. Runners that serve nothing beyond a model's replicas are
 * dropped last ({@link IdleReplicas}).
 *
 * <p>Small fleets (up to {@link PlacementSettings#exactEvaluationLimit()} node/model pairs) are planned in exact
 * mode: every move is judged by solving the throughput program. Larger ones use {@link GreedyFill} and greedy
 * allotments, which stay well under a second for 1,000 nodes and 100 models.
 */
public final class DemandAwareOptimiser implements PlacementOptimiser {

    @Override
    public Placement place(PlacementProblem problem) {
        Fleet fleet = new Fleet(problem);
        PlacementSettings settings = problem.settings();
        PlanEvaluator evaluator = new PlanEvaluator(fleet, settings.exactEvaluationLimit());
        Notes notes = new Notes();
        WorkingPlan plan = new WorkingPlan(fleet);
        keepIncumbents(fleet, plan, notes);
        PlanEvaluator.Score inForce = plan.size() == 0 ? null : evaluator.score(plan);
        Coverage coverage = new Coverage(fleet, notes);
        coverage.pins(plan);
        coverage.required(plan);
        int fullCoverage = fullCoverage(fleet);
        if (plan.coverage() < fullCoverage) {
            WorkingPlan packed = new CoveragePacking(fleet).repack(plan);
            if (packed != null) {
                plan = packed;
            }
        }
        if (plan.coverage() >= fullCoverage && PlanQuality.cpuOnlyFloorBreaches(fleet, plan.runners()) > 0) {
            // The floor ranks above throughput: a draft of the required replicas within it is the better start.
            WorkingPlan packed = new CoveragePacking(fleet).repackWithinFloor(plan);
            if (packed != null) {
                plan = packed;
            }
        }
        if (exactMode(fleet)) {
            LocalSearch search = new LocalSearch(fleet, evaluator, inForce);
            plan = search.fill(plan);
            // Even when demand is met the moves go on: they still improve headroom, speed and the owner's memory.
            plan = search.improve(plan);
            plan = search.fill(plan);
            // Where the moves stopped with a GPU idle beside a model partly on a CPU, a few targeted drafts.
            plan = search.useIdleGpus(plan);
        } else {
            new GreedyFill(fleet).fill(plan);
        }
        plan = new IdleReplicas(fleet, evaluator).drop(plan);
        coverage.idle(plan);
        return new PlacementReport(fleet, notes, evaluator).build(plan, evaluator.score(plan));
    }

    private static int fullCoverage(Fleet fleet) {
        int required = 0;
        for (ModelSpec m : fleet.models) {
            required += Math.min(m.requiredReplicas(), fleet.eligibleNodes(fleet.modelIndex(m.modelId())));
        }
        return required;
    }

    private static boolean exactMode(Fleet fleet) {
        long pairs = 0;
        for (int[] models : fleet.eligible) {
            pairs += models.length;
        }
        return pairs <= fleet.problem.settings().exactEvaluationLimit();
    }

    /**
     * Runners of the plan in force stay while their node may run them and they fit, most valuable first; those
     * that no longer fit are dropped (their node's budget fell) and planned again. Idle ones are left to the last
     * phase, so that demand can take their memory, unless this round may not touch them.
     */
    private static void keepIncumbents(Fleet fleet, WorkingPlan plan, Notes notes) {
        List<CurrentInstance> current = new ArrayList<>(fleet.problem.current());
        current.sort(Comparator.comparingDouble((CurrentInstance c) -> -standaloneValue(fleet, c))
                .thenComparing(c -> c.instance().nodeId()).thenComparing(c -> c.instance().modelId()));
        for (CurrentInstance c : current) {
            Instance i = c.instance();
            Integer n = fleet.nodeIndex(i.nodeId());
            Integer m = fleet.modelIndex(i.modelId());
            if (n == null || m == null) {
                continue;
            }
            if (!fleet.isEligible(n, m)) {
                notes.model(i.modelId(), i.nodeId() + ": stopped there, "
                        + Reasons.ineligible(fleet.nodes[n], fleet.models[m], fleet.problem.excluded()));
                continue;
            }
            int option = fleet.optionIndex(m, i.option());
            int level = fleet.level(n, m, option, i);
            boolean idle = fleet.models[m].requiredReplicas() == 0 && !fleet.pinned(n, m)
                    && (level < 0 || !fleet.frozen(n, m, option, level));
            if (level < 0 || idle || plan.hosts(n, m)) {
                continue;
            }
            if (level > fleet.maxGpuLayers(n, m)) {
                notes.plan(i.nodeId() + ": " + i.modelId() + " with " + i.gpuLayers() + " GPU layers is planned again: "
                        + (fleet.offloads(n, m) ? "at most " + fleet.maxGpuLayers(n, m) + " GPU layers there, "
                                + fleet.layerCap(n, m).why() : fleet.cpuOnlyReason(n, m)));
            } else if (plan.fits(n, m, option, level)) {
                plan.add(new WorkingPlan.Runner(n, m, option, level));
            } else {
                Footprint f = fleet.footprint(n, m, option);
                notes.plan(i.nodeId() + ": " + i.modelId() + " with " + i.gpuLayers() + " GPU layers no longer fits"
                        + " (needs " + Reasons.mib(f.gpuBytes(level)) + " VRAM, "
                        + Reasons.mib(f.cpuBytes(level)) + " RAM; has " + Reasons.mib(plan.vramLeft(n))
                        + " VRAM, " + Reasons.mib(plan.ramLeft(n)) + " RAM): planned again");
            }
        }
    }

    private static double standaloneValue(Fleet fleet, CurrentInstance c) {
        Integer n = fleet.nodeIndex(c.instance().nodeId());
        Integer m = fleet.modelIndex(c.instance().modelId());
        if (n == null || m == null) {
            return 0;
        }
        int option = fleet.optionIndex(m, c.instance().option());
        int level = fleet.level(n, m, option, c.instance());
        if (level < 0) {
            return 0;
        }
        return Math.min(fleet.demand[m], fleet.capacity(n, m, option, level));
    }
}
