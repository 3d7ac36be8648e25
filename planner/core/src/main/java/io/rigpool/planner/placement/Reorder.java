package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The search's move for models competing for one node: a runner makes way for another model, which takes a
 * spread of layer counts while the first takes what is left, followed up on the other nodes the change touches.
 */
final class Reorder {

    /** Layer counts sampled when two models split a GPU, before refining around the best. */
    private static final int SPLIT_SAMPLES = 3;

    private final Fleet fleet;
    private final PlanEvaluator evaluator;
    private final Additions additions;

    Reorder(Fleet fleet, PlanEvaluator evaluator, Additions additions) {
        this.fleet = fleet;
        this.evaluator = evaluator;
        this.additions = additions;
    }

    /**
     * Runner r makes way for model m (placed anew if it already runs there), then takes what is left: e.g. a
     * model that held one GPU layer goes CPU-only so another fits its whole self on the GPU.
     */
    List<WorkingPlan> reorder(WorkingPlan plan, WorkingPlan.Runner r, int m) {
        List<WorkingPlan> out = new ArrayList<>();
        for (WorkingPlan t : reorderHere(plan, r, m)) {
            out.add(complete(t, r.node(), r.model(), m));
        }
        return out;
    }

    /**
     * As {@link #reorder} without the follow-up elsewhere. Model m is tried at a spread of its fitting layer
     * counts (then refined around the best), r's model and the node's other movable runners taking what each
     * leaves, the most valuable first: so two models can also split a GPU rather than one taking all of it, and a
     * model of the node may grow into what r held once m takes less (m at one GPU layer, within the admin's
     * CPU-only floor, lets the node's busiest model take the rest of the card).
     */
    private List<WorkingPlan> reorderHere(WorkingPlan plan, WorkingPlan.Runner r, int m) {
        int n = r.node();
        WorkingPlan base = plan.copy();
        base.remove(r);
        WorkingPlan.Runner other = base.runnerOf(n, m);
        if (other != null) {
            base.remove(other);
        }
        List<Integer> again = new ArrayList<>(List.of(r.model()));
        for (WorkingPlan.Runner d : List.copyOf(base.on(n))) {
            if (!fleet.pinned(n, d.model()) && !fleet.frozen(n, d.model(), d.option(), d.layers())) {
                base.remove(d);
                again.add(d.model());
            }
        }
        WorkingPlan largest = null;
        PlanEvaluator.Score largestScore = null;
        WorkingPlan best = null;
        PlanEvaluator.Score bestScore = null;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int[] counts = fleet.footprint(n, m, o).fittingLayerCounts(base.vramLeft(n), base.ramLeft(n),
                    fleet.maxGpuLayers(n, m));
            int bestIndex = -1;
            for (int step = 0; counts.length > 0 && step <= SPLIT_SAMPLES; step++) {
                int index = (int) Math.round((double) step * (counts.length - 1) / SPLIT_SAMPLES);
                WorkingPlan t = split(base, n, m, o, counts[index], again);
                PlanEvaluator.Score s = evaluator.score(t);
                if (step == 0 && (largestScore == null || s.beats(largestScore, PlanEvaluator.noise(largestScore)))) {
                    largest = t;
                    largestScore = s;
                }
                if (bestScore == null || s.beats(bestScore, PlanEvaluator.noise(bestScore))) {
                    best = t;
                    bestScore = s;
                    bestIndex = index;
                }
            }
            // Refine around the best sample, halving the step (the value is close to unimodal in the split).
            for (int gap = (counts.length - 1) / (2 * SPLIT_SAMPLES); bestIndex >= 0 && gap >= 1; gap /= 2) {
                int centre = bestIndex;
                for (int index : new int[] {centre - gap, centre + gap}) {
                    if (index < 0 || index >= counts.length) {
                        continue;
                    }
                    WorkingPlan t = split(base, n, m, o, counts[index], again);
                    PlanEvaluator.Score s = evaluator.score(t);
                    if (s.beats(bestScore, PlanEvaluator.noise(bestScore))) {
                        best = t;
                        bestScore = s;
                        bestIndex = index;
                    }
                }
            }
        }
        List<WorkingPlan> out = new ArrayList<>();
        if (largest != null) {
            out.add(additions.refill(largest, n));
        }
        if (best != null && best != largest) {
            out.add(additions.refill(best, n));
        }
        if (out.isEmpty()) {
            out.add(additions.refill(base, n));
        }
        return out;
    }

    /** Model m at the given layers, then the others, each at its best fit, the one the objective prefers first. */
    private WorkingPlan split(WorkingPlan base, int n, int m, int option, int layers, List<Integer> others) {
        WorkingPlan t = base.copy();
        t.add(new WorkingPlan.Runner(n, m, option, layers));
        List<Integer> left = new ArrayList<>(others);
        while (!left.isEmpty()) {
            PlanEvaluator.Score score = evaluator.score(t);
            Additions.Candidate next = null;
            for (int model : left) {
                next = Additions.better(next, additions.bestOf(t, n, model, score));
            }
            if (next == null) {
                break;
            }
            t.add(next.runner());
            left.remove(Integer.valueOf(next.runner().model()));
        }
        return t;
    }

    /**
     * After a node changed, runners elsewhere that now serve nothing are dropped (when their model keeps its
     * replicas), the models the change touched may take a runner in memory that is free elsewhere, and their
     * other new runners may give way to what else those nodes hold: a move is judged with that follow-up, or
     * trading GPU layers between two models would never pay.
     */
    private WorkingPlan complete(WorkingPlan plan, int changedNode, int... models) {
        PlanEvaluator.Score base = evaluator.score(plan);
        List<Integer> freed = new ArrayList<>();
        List<WorkingPlan.Runner> runners = base.runners();
        for (int i = 0; i < runners.size(); i++) {
            WorkingPlan.Runner r = runners.get(i);
            boolean loaded = fleet.changeOf(r.node(), r.model(), r.option(), r.layers())
                    == PlannedInstance.Change.KEPT;
            if (r.node() != changedNode && !loaded && base.allotment().served(i) <= PlanEvaluator.TOLERANCE
                    && fleet.demand[r.model()] > 0 && !fleet.pinned(r.node(), r.model())
                    && plan.replicas(r.model()) > fleet.models[r.model()].requiredReplicas()) {
                plan.remove(r);
                freed.add(r.node());
            }
        }
        base = evaluator.score(plan);
        for (int m : models) {
            Additions.Candidate best = null;
            for (int n = 0; n < fleet.nodeCount(); n++) {
                if (n != changedNode && fleet.isEligible(n, m) && !plan.hosts(n, m)) {
                    best = Additions.better(best, additions.bestOf(plan, n, m, base));
                }
            }
            if (best != null && best.score().beats(base, PlanEvaluator.noise(base))) {
                plan.add(best.runner());
                base = best.score();
            }
        }
        for (int n : freed) {
            plan = additions.refill(plan, n);
        }
        for (int m : models) {
            for (int n = 0; n < fleet.nodeCount(); n++) {
                WorkingPlan.Runner r = plan.runnerOf(n, m);
                if (n == changedNode || r == null || fleet.pinned(n, m)
                        || plan.replicas(m) <= fleet.models[m].requiredReplicas()
                        || fleet.changeOf(n, m, r.option(), r.layers()) == PlannedInstance.Change.KEPT) {
                    continue;
                }
                List<WorkingPlan> options = new ArrayList<>();
                WorkingPlan dropped = plan.copy();
                dropped.remove(r);
                options.add(additions.refill(dropped, n));
                for (int other : fleet.eligible[n]) {
                    WorkingPlan.Runner there = plan.runnerOf(n, other);
                    // reorderHere replaces the other model's runner: not one this round must leave alone.
                    if (other != m && there != null && !fleet.pinned(n, other)
                            && !fleet.frozen(n, other, there.option(), there.layers())) {
                        options.addAll(reorderHere(plan, r, other));
                    }
                }
                for (WorkingPlan t : options) {
                    PlanEvaluator.Score s = evaluator.score(t);
                    if (s.beats(base, PlanEvaluator.noise(base))) {
                        plan = t;
                        base = s;
                    }
                }
            }
        }
        return plan;
    }
}
