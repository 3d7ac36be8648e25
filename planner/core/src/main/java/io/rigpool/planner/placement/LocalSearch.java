package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The optimiser's exact-mode search, every move judged by the full evaluation of the changed draft: adding the
 * best runner anywhere, then rounds of node rebuilds (drop runners of one node or of two together and refill) and
 * {@link Reorder} moves. A move that changes a runner of the plan in force must gain the configured minimum; a
 * move among runners not yet loaded only has to be better.
 */
final class LocalSearch {

    private final Fleet fleet;
    private final PlanEvaluator evaluator;
    private final PlacementSettings settings;
    private final Additions additions;
    private final Reorder reorder;

    LocalSearch(Fleet fleet, PlanEvaluator evaluator) {
        this.fleet = fleet;
        this.evaluator = evaluator;
        this.settings = fleet.problem.settings();
        this.additions = new Additions(fleet, evaluator);
        this.reorder = new Reorder(fleet, evaluator, additions);
    }

    /** Adds the best runner anywhere while one gains at least the minimum. */
    WorkingPlan fill(WorkingPlan plan) {
        PlanEvaluator.Score base = evaluator.score(plan);
        while (true) {
            Additions.Candidate best = null;
            for (int n = 0; n < fleet.nodeCount(); n++) {
                best = Additions.better(best, additions.bestAddition(plan, n, base));
            }
            if (best == null || best.score().value() - base.value() <= settings.minGainTps()
                    && best.score().coverage() <= base.coverage()) {
                return plan;
            }
            plan.add(best.runner());
            base = best.score();
        }
    }

    /** Rounds of node rebuilds and moves until none gains, the round limit, or the evaluation budget. */
    WorkingPlan improve(WorkingPlan plan) {
        PlanEvaluator.Score current = evaluator.score(plan);
        for (int round = 0; round < settings.searchRounds(); round++) {
            boolean changed = false;
            for (int n = 0; n < fleet.nodeCount(); n++) {
                if (!fleet.nodes[n].schedulable()) {
                    continue;
                }
                for (Supplier<List<WorkingPlan>> trial : trials(plan, n)) {
                    if (evaluator.solved() > settings.searchBudget()) {
                        return plan;
                    }
                    WorkingPlan accepted = null;
                    for (WorkingPlan t : trial.get()) {
                        PlanEvaluator.Score s = evaluator.score(t);
                        if (s.beats(current, margin(plan, t, current))) {
                            accepted = t;
                            current = s;
                            break;
                        }
                    }
                    if (accepted != null) {
                        plan = accepted;
                        changed = true;
                        break;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return plan;
    }

    /**
     * Drafts to try around node {@code n}, built only when tried: each runner dropped, all dropped, this node and
     * each later one emptied together (which also moves runners between them), each runner making way for another
     * model; the nodes refilled after each. Pure additions are {@link #fill}'s, with its threshold.
     */
    private List<Supplier<List<WorkingPlan>>> trials(WorkingPlan plan, int n) {
        List<WorkingPlan.Runner> movable = movable(plan, n);
        List<Supplier<List<WorkingPlan>>> trials = new ArrayList<>();
        for (WorkingPlan.Runner r : movable) {
            trials.add(() -> {
                WorkingPlan t = plan.copy();
                t.remove(r);
                return List.of(additions.refill(t, n));
            });
        }
        if (movable.size() > 1) {
            trials.add(() -> {
                WorkingPlan t = plan.copy();
                movable.forEach(t::remove);
                return List.of(additions.refill(t, n), compact(plan, n, movable));
            });
        }
        for (int other = n + 1; other < fleet.nodeCount(); other++) {
            List<WorkingPlan.Runner> there = movable(plan, other);
            int pairedWith = other;
            if (fleet.nodes[other].schedulable() && (!movable.isEmpty() || !there.isEmpty())) {
                trials.add(() -> {
                    WorkingPlan t = plan.copy();
                    movable.forEach(t::remove);
                    there.forEach(t::remove);
                    return List.of(additions.refill(t, n, pairedWith));
                });
            }
        }
        for (WorkingPlan.Runner r : movable) {
            for (int m : fleet.eligible[n]) {
                WorkingPlan.Runner other = plan.runnerOf(n, m);
                if (m != r.model() && (other == null || movable.contains(other))) {
                    trials.add(() -> reorder.reorder(plan, r, m));
                }
            }
        }
        return trials;
    }

    /**
     * The node's movable runners restarted at their smallest footprint, then grown by {@link #refill}: lets two
     * models share a node where taking the largest fit for the first leaves no room for the second.
     */
    private WorkingPlan compact(WorkingPlan plan, int n, List<WorkingPlan.Runner> movable) {
        WorkingPlan t = plan.copy();
        movable.forEach(t::remove);
        for (WorkingPlan.Runner r : movable) {
            WorkingPlan.Runner smallest = null;
            double least = Double.MAX_VALUE;
            for (int o = 0; o < fleet.optionCount(r.model()); o++) {
                Footprint f = fleet.footprint(r.model(), o);
                for (int layers : new int[] {0, t.largestFitting(n, r.model(), o)}) {
                    if (layers >= 0 && t.fits(n, r.model(), o, layers) && additions.share(n, f, layers) < least) {
                        least = additions.share(n, f, layers);
                        smallest = new WorkingPlan.Runner(n, r.model(), o, layers);
                    }
                }
            }
            if (smallest != null) {
                t.add(smallest);
            }
        }
        return additions.refill(t, n);
    }

    /** Runners of node n the search may change: not pinned, not within their dwell time. */
    private List<WorkingPlan.Runner> movable(WorkingPlan plan, int n) {
        List<WorkingPlan.Runner> movable = new ArrayList<>();
        for (WorkingPlan.Runner r : plan.on(n)) {
            if (!fleet.frozen(r.node(), r.model(), r.option(), r.layers()) && !fleet.pinned(r.node(), r.model())) {
                movable.add(r);
            }
        }
        return movable;
    }

    /** A change to what runs now must pay for itself clearly; a change among new runners only has to win. */
    private double margin(WorkingPlan before, WorkingPlan after, PlanEvaluator.Score current) {
        int keptBefore = kept(before);
        int keptAfter = kept(after);
        if (keptAfter < keptBefore) {
            return settings.minGainTps() + settings.minGainFraction() * current.value();
        }
        return PlanEvaluator.noise(current);
    }

    private int kept(WorkingPlan plan) {
        int kept = 0;
        for (WorkingPlan.Runner r : plan.runners()) {
            if (fleet.changeOf(r.node(), r.model(), r.option(), r.layers()) == PlannedInstance.Change.KEPT) {
                kept++;
            }
        }
        return kept;
    }


}
