package io.rigpool.planner.placement;

import java.util.List;

/**
 * Judges any set of runners by the optimiser's own rule (required replicas first, then served throughput less
 * load costs), with the same explanations: how the benchmark compares other placement strategies fairly.
 */
public final class PlanJudge {

    private PlanJudge() {
    }

    /**
     * @throws IllegalArgumentException when a runner names an unknown node, model or option, a node that may not
     *     run it, or does not fit its node's budget next to the runners before it
     */
    public static Placement judge(PlacementProblem problem, List<Instance> runners) {
        Fleet fleet = new Fleet(problem);
        WorkingPlan plan = new WorkingPlan(fleet);
        for (Instance i : runners) {
            Integer n = fleet.nodeIndex(i.nodeId());
            Integer m = fleet.modelIndex(i.modelId());
            if (n == null || m == null) {
                throw new IllegalArgumentException("unknown node or model in " + i);
            }
            int option = fleet.optionIndex(m, i.option());
            int level = fleet.level(n, m, option, i);
            if (level < 0 || !fleet.isEligible(n, m) || plan.hosts(n, m) || !plan.fits(n, m, option, level)) {
                throw new IllegalArgumentException("runner not possible: " + i);
            }
            plan.add(new WorkingPlan.Runner(n, m, option, level));
        }
        PlanEvaluator evaluator = new PlanEvaluator(fleet, Integer.MAX_VALUE);
        return new PlacementReport(fleet, new Notes(), evaluator).build(plan, evaluator.score(plan));
    }
}
