package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Drafts that put idle GPUs to work for a model that runs with layers on a CPU. The general search spends its
 * budget on moves around every node and, on a dozen PCs, can stop with cards idle beside a partial replica (issue
 * 14's fleet-12-uniform: six idle GPUs while Gemma-27B ran partly on four CPUs). These few drafts aim at exactly
 * that, so they cost a few hundred evaluations rather than a larger budget:
 * <ul>
 * <li>the runner moves to an idle GPU that holds more of its layers, or a replica is added there;</li>
 * <li>the runner moves to a busier node whose card would hold more of its layers once that node's runners move
 * to idle GPUs (the small models leave the 4090 for the idle 8 GB cards, and Gemma runs wholly on it).</li>
 * </ul>
 * Each draft then refills the nodes it touched and drops the replicas that serve nothing after it; the caller
 * keeps it only when the objective says it is better (with the churn margins for running runners).
 */
final class IdleGpuOffload {

    private final Fleet fleet;
    private final PlanEvaluator evaluator;
    private final Additions additions;
    private final IdleReplicas idleReplicas;

    IdleGpuOffload(Fleet fleet, PlanEvaluator evaluator, Additions additions) {
        this.fleet = fleet;
        this.evaluator = evaluator;
        this.additions = additions;
        this.idleReplicas = new IdleReplicas(fleet, evaluator);
    }

    /**
     * Drafts for every runner that serves something with layers on a CPU, while some GPU is idle; built only when
     * tried, direct moves first.
     *
     * @param movable whether the search may change a runner (not pinned, not within its dwell time)
     */
    List<Supplier<WorkingPlan>> drafts(WorkingPlan plan, PlanEvaluator.Score score,
            Predicate<WorkingPlan.Runner> movable) {
        List<Integer> idle = idleGpus(plan);
        if (idle.isEmpty()) {
            return List.of();
        }
        List<WorkingPlan.Runner> offGpu = new ArrayList<>();
        List<WorkingPlan.Runner> runners = score.runners();
        for (int i = 0; i < runners.size(); i++) {
            WorkingPlan.Runner r = runners.get(i);
            if (score.allotment().served(i) > PlanQuality.NOTHING_SERVED && hasCpuLayers(r) && movable.test(r)) {
                offGpu.add(r);
            }
        }
        // The runners with the most layers on a CPU first: they gain the most from a card.
        offGpu.sort(Comparator.comparingInt((WorkingPlan.Runner r) -> r.layers() - fullOffload(r))
                .thenComparing(WorkingPlan.ORDER));
        List<Supplier<WorkingPlan>> drafts = new ArrayList<>();
        for (WorkingPlan.Runner r : offGpu) {
            for (int g : idle) {
                if (fleet.isEligible(g, r.model()) && mostLayers(plan, g, r.model(), List.of()) > r.layers()) {
                    drafts.add(() -> moveTo(plan, r, g));
                    drafts.add(() -> addReplica(plan, r.model(), g, r.node()));
                }
            }
        }
        for (WorkingPlan.Runner r : offGpu) {
            for (int t = 0; t < fleet.nodeCount(); t++) {
                List<WorkingPlan.Runner> displaced = displaceable(plan, t, r, movable);
                if (displaced != null) {
                    int target = t;
                    drafts.add(() -> makeRoom(plan, r, target, displaced, idle));
                }
            }
        }
        return drafts;
    }

    /** Schedulable nodes with a GPU budget that run nothing. */
    private List<Integer> idleGpus(WorkingPlan plan) {
        List<Integer> idle = new ArrayList<>();
        for (int n = 0; n < fleet.nodeCount(); n++) {
            NodeSpec node = fleet.nodes[n];
            if (plan.on(n).isEmpty() && node.schedulable() && node.gpuOffload() && node.vramBudget() > 0) {
                idle.add(n);
            }
        }
        return idle;
    }

    /**
     * The runners of busy node t to send to idle GPUs so that r's model gets more GPU layers on t than r has, or
     * null when t is not such a node (idle, r's own, already running the model, or too small even emptied).
     */
    private List<WorkingPlan.Runner> displaceable(WorkingPlan plan, int t, WorkingPlan.Runner r,
            Predicate<WorkingPlan.Runner> movable) {
        if (t == r.node() || plan.on(t).isEmpty() || plan.hosts(t, r.model()) || !fleet.isEligible(t, r.model())
                || !fleet.nodes[t].schedulable()) {
            return null;
        }
        List<WorkingPlan.Runner> displaced = plan.on(t).stream().filter(movable).toList();
        if (displaced.isEmpty() || mostLayers(plan, t, r.model(), displaced) <= r.layers()) {
            return null;
        }
        return displaced;
    }

    /** The most GPU layers any option of the model gets on node n once the given runners are gone. */
    private int mostLayers(WorkingPlan plan, int n, int m, List<WorkingPlan.Runner> gone) {
        WorkingPlan t = plan;
        if (!gone.isEmpty()) {
            t = plan.copy();
            gone.forEach(t::remove);
        }
        int most = -1;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            most = Math.max(most, t.largestFitting(n, m, o));
        }
        return most;
    }

    private WorkingPlan moveTo(WorkingPlan plan, WorkingPlan.Runner r, int g) {
        WorkingPlan t = plan.copy();
        t.remove(r);
        return placeAndSettle(t, r.model(), g, r.node(), g);
    }

    private WorkingPlan addReplica(WorkingPlan plan, int m, int g, int from) {
        return placeAndSettle(plan.copy(), m, g, from, g);
    }

    /**
     * Node t's runners go to idle GPUs (each to the one where it does best, largest first), then r takes t at its
     * best option: null when one of them finds no idle GPU.
     */
    private WorkingPlan makeRoom(WorkingPlan plan, WorkingPlan.Runner r, int target,
            List<WorkingPlan.Runner> displaced, List<Integer> idle) {
        WorkingPlan t = plan.copy();
        displaced.forEach(t::remove);
        t.remove(r);
        List<WorkingPlan.Runner> largestFirst = new ArrayList<>(displaced);
        largestFirst.sort(Comparator.comparingLong(this::bytes).reversed().thenComparing(WorkingPlan.ORDER));
        List<Integer> touched = new ArrayList<>(List.of(r.node(), target));
        for (WorkingPlan.Runner q : largestFirst) {
            PlanEvaluator.Score base = evaluator.score(t);
            Additions.Candidate best = null;
            for (int g : idle) {
                if (t.on(g).isEmpty() && fleet.isEligible(g, q.model())) {
                    best = Additions.better(best, additions.bestOf(t, g, q.model(), base));
                }
            }
            if (best == null) {
                return null;
            }
            t.add(best.runner());
            touched.add(best.runner().node());
        }
        return placeAndSettle(t, r.model(), target, touched.stream().distinct().mapToInt(Integer::intValue).toArray());
    }

    /** The model at its best option on node n, the touched nodes refilled, then runners that serve nothing cut. */
    private WorkingPlan placeAndSettle(WorkingPlan t, int m, int n, int... touched) {
        Additions.Candidate there = additions.bestOf(t, n, m, evaluator.score(t));
        if (there == null) {
            return null;
        }
        t.add(there.runner());
        return idleReplicas.drop(additions.refill(t, touched));
    }

    private boolean hasCpuLayers(WorkingPlan.Runner r) {
        return r.layers() < fullOffload(r);
    }

    private int fullOffload(WorkingPlan.Runner r) {
        return fleet.footprint(r).fullOffload();
    }

    private long bytes(WorkingPlan.Runner r) {
        Footprint f = fleet.footprint(r);
        return f.gpuBytes(r.layers()) + f.cpuBytes(r.layers());
    }
}
