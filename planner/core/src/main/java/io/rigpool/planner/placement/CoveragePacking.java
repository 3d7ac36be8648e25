package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A backtracking search for a draft that gives every model its required replicas, for when placing them one at a
 * time (most demanded first, fastest fit) left some out although the nodes could hold them all. Replicas are
 * placed hardest first (fewest nodes to go to), each at its smaller footprints first; the search stops after a
 * fixed number of steps, so it is deterministic and bounded. The improvement search then grows what it packed.
 */
final class CoveragePacking {

    private static final int STEP_LIMIT = 200_000;

    private final Fleet fleet;
    private int steps;

    CoveragePacking(Fleet fleet) {
        this.fleet = fleet;
    }

    /**
     * Repacks the required replicas of the draft: first around the runners of the plan in force, then, if that
     * fails, with only the pinned and frozen runners fixed.
     *
     * @return a draft with full coverage, or null when none was found within the step limit
     */
    WorkingPlan repack(WorkingPlan plan) {
        return search(plan, false);
    }

    /**
     * As {@link #repack}, with no CPU-only runner of a model over the admin's floor: for a draft whose required
     * replicas breach it where the nodes could hold them all within it (a model over the floor taking a GPU layer
     * on a node whose runners went elsewhere, which placing one replica at a time never undoes).
     *
     * @return a draft with full coverage and no breach of the floor, or null when none was found within the step
     *     limit
     */
    WorkingPlan repackWithinFloor(WorkingPlan plan) {
        return search(plan, true);
    }

    private WorkingPlan search(WorkingPlan plan, boolean withinFloorOnly) {
        for (boolean keepIncumbents : new boolean[] {true, false}) {
            WorkingPlan base = new WorkingPlan(fleet);
            for (WorkingPlan.Runner r : plan.runners()) {
                boolean kept = fleet.changeOf(r.node(), r.model(), r.option(), r.layers())
                        == PlannedInstance.Change.KEPT;
                if (fleet.pinned(r.node(), r.model()) || fleet.frozen(r.node(), r.model(), r.option(), r.layers())
                        || keepIncumbents && kept) {
                    base.add(r);
                }
            }
            List<Integer> missing = new ArrayList<>();
            for (int m = 0; m < fleet.modelCount(); m++) {
                for (int i = base.replicas(m); i < fleet.models[m].requiredReplicas(); i++) {
                    missing.add(m);
                }
            }
            missing.sort(Comparator.comparingInt((Integer m) -> fleet.eligibleNodes(m)).thenComparing(m -> m));
            steps = 0;
            if (place(base, missing, 0, withinFloorOnly)) {
                return base;
            }
        }
        return null;
    }

    private boolean place(WorkingPlan plan, List<Integer> missing, int index, boolean withinFloorOnly) {
        if (index == missing.size()) {
            return true;
        }
        if (++steps > STEP_LIMIT) {
            return false;
        }
        int m = missing.get(index);
        for (int n = 0; n < fleet.nodeCount(); n++) {
            if (!fleet.isEligible(n, m) || plan.hosts(n, m)) {
                continue;
            }
            for (WorkingPlan.Runner r : configurations(plan, n, m, withinFloorOnly)) {
                plan.add(r);
                if (place(plan, missing, index + 1, withinFloorOnly)) {
                    return true;
                }
                plan.remove(r);
            }
        }
        return false;
    }

    /**
     * The ways model m fits node n now: within the admin's CPU-only floor first (it ranks above throughput), then
     * smallest share of the node's memory first.
     */
    private List<WorkingPlan.Runner> configurations(WorkingPlan plan, int n, int m, boolean withinFloorOnly) {
        List<WorkingPlan.Runner> configs = new ArrayList<>();
        long floor = fleet.problem.settings().cpuOnlyFloorBytes();
        boolean cpuOnlyAllowed = !withinFloorOnly || fleet.models[m].fileBytes() <= floor;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int largest = plan.largestFitting(n, m, o);
            if (largest > 0 || largest == 0 && cpuOnlyAllowed) {
                configs.add(new WorkingPlan.Runner(n, m, o, largest));
            }
            if (largest != 0 && cpuOnlyAllowed && plan.fits(n, m, o, 0)) {
                configs.add(new WorkingPlan.Runner(n, m, o, 0));
            }
            if (!cpuOnlyAllowed) {
                // Its fewest GPU layers, so that the node's other required replicas still fit beside it.
                for (int layers = 1; layers < largest; layers++) {
                    if (plan.fits(n, m, o, layers)) {
                        configs.add(new WorkingPlan.Runner(n, m, o, layers));
                        break;
                    }
                }
            }
        }
        NodeSpec node = fleet.nodes[n];
        configs.sort(Comparator.comparing((WorkingPlan.Runner r) -> r.layers() == 0
                && fleet.models[r.model()].fileBytes() > floor).thenComparingDouble((WorkingPlan.Runner r) -> {
            Footprint f = fleet.footprint(r);
            return (double) f.gpuBytes(r.layers()) / Math.max(1, node.vramBudget())
                    + (double) f.cpuBytes(r.layers()) / Math.max(1, node.ramBudget());
        }).thenComparingInt(WorkingPlan.Runner::option).thenComparingInt(WorkingPlan.Runner::layers));
        return configs;
    }
}
