package io.rigpool.planner.placement;

import java.util.List;

/**
 * The search's building blocks: the best runner a node can add, refilling nodes with such runners, and
 * re-planning a not-yet-loaded runner into memory freed since. Every choice is judged by the full evaluation.
 */
final class Additions {

    private final Fleet fleet;
    private final PlanEvaluator evaluator;

    Additions(Fleet fleet, PlanEvaluator evaluator) {
        this.fleet = fleet;
        this.evaluator = evaluator;
    }

    /**
     * Fills the given nodes, one step at a time while one improves the draft at all: the best addition or the best
     * upgrade of a not-yet-loaded runner, whichever the objective prefers. Not additions first: a runner moved away
     * frees the memory that lets a runner left on the node take GPU layers (within the admin's CPU-only floor), and
     * adding the moved model back into it would undo the move.
     */
    WorkingPlan refill(WorkingPlan plan, int... nodes) {
        PlanEvaluator.Score base = evaluator.score(plan);
        while (true) {
            Candidate best = null;
            for (int n : nodes) {
                best = better(best, bestAddition(plan, n, base));
            }
            WorkingPlan upgraded = null;
            PlanEvaluator.Score upgradedScore = null;
            for (int n : nodes) {
                WorkingPlan t = upgrade(plan, n, base);
                PlanEvaluator.Score s = t == null ? null : evaluator.score(t);
                if (s != null && (upgradedScore == null || s.beats(upgradedScore, PlanEvaluator.noise(upgradedScore)))) {
                    upgraded = t;
                    upgradedScore = s;
                }
            }
            boolean adds = best != null && best.score.beats(base, PlanEvaluator.noise(base));
            if (adds && (upgraded == null || !upgradedScore.beats(best.score, PlanEvaluator.noise(best.score)))) {
                plan.add(best.runner);
                base = best.score;
            } else if (upgraded != null) {
                plan = upgraded;
                base = upgradedScore;
            } else {
                return plan;
            }
        }
    }

    /** A not-yet-loaded runner of node n re-planned into memory freed since it was chosen, if that is better. */
    private WorkingPlan upgrade(WorkingPlan plan, int n, PlanEvaluator.Score base) {
        return upgrade(plan, List.copyOf(plan.on(n)), base);
    }

    /**
     * The not-yet-loaded replicas of model m re-planned, one at a time while that is better: after a replica of
     * it left, the others carry its share of the demand, so their best option may change (two slots where one was
     * enough).
     */
    WorkingPlan retune(WorkingPlan plan, int m) {
        PlanEvaluator.Score base = evaluator.score(plan);
        while (true) {
            List<WorkingPlan.Runner> replicas = plan.runners().stream().filter(r -> r.model() == m).toList();
            WorkingPlan t = upgrade(plan, replicas, base);
            if (t == null) {
                return plan;
            }
            plan = t;
            base = evaluator.score(plan);
        }
    }

    /** The best re-planning of one of the given not-yet-loaded runners, or null when none is better. */
    private WorkingPlan upgrade(WorkingPlan plan, List<WorkingPlan.Runner> runners, PlanEvaluator.Score base) {
        Candidate best = null;
        WorkingPlan.Runner replaced = null;
        for (WorkingPlan.Runner r : runners) {
            int n = r.node();
            if (fleet.changeOf(n, r.model(), r.option(), r.layers()) == PlannedInstance.Change.KEPT
                    || fleet.pinned(n, r.model())) {
                continue;
            }
            plan.remove(r);
            Candidate replacement = bestOf(plan, n, r.model(), base);
            plan.add(r);
            if (replacement != null && !replacement.runner.equals(r)
                    && replacement.score.beats(base, PlanEvaluator.noise(base))
                    && better(best, replacement) == replacement) {
                best = replacement;
                replaced = r;
            }
        }
        if (best == null) {
            return null;
        }
        WorkingPlan t = plan.copy();
        t.remove(replaced);
        t.add(best.runner);
        return t;
    }

    /** How much of a node's memory a runner takes: its share of the VRAM budget plus its share of the RAM. */
    double share(int n, Footprint f, int layers) {
        NodeSpec node = fleet.nodes[n];
        return (double) f.gpuBytes(layers) / Math.max(1, node.vramBudget())
                + (double) f.cpuBytes(layers) / Math.max(1, node.ramBudget());
    }


    /** @param footprint share of its node's memory the runner takes, for tie-breaks */
    record Candidate(WorkingPlan.Runner runner, PlanEvaluator.Score score, double footprint) {
    }

    Candidate bestAddition(WorkingPlan plan, int n, PlanEvaluator.Score base) {
        Candidate best = null;
        for (int m : fleet.eligible[n]) {
            if (!plan.hosts(n, m)) {
                best = better(best, bestOf(plan, n, m, base));
            }
        }
        return best;
    }

    /** The best option of one model on one node, at the most layers that fit what the node has left. */
    Candidate bestOf(WorkingPlan plan, int n, int m, PlanEvaluator.Score base) {
        return bestOf(plan, n, m, false);
    }

    /**
     * The best option of one model on one node at its fewest GPU layers that fit (CPU-only where none does): a
     * model over the admin's CPU-only floor needs one layer on a GPU, and the rest of the card may serve more for
     * another model of the node.
     */
    Candidate leanestOf(WorkingPlan plan, int n, int m) {
        return bestOf(plan, n, m, true);
    }

    private Candidate bestOf(WorkingPlan plan, int n, int m, boolean fewestLayers) {
        Candidate best = null;
        for (int o = 0; o < fleet.optionCount(m); o++) {
            int layers = plan.largestFitting(n, m, o);
            if (layers < 0) {
                continue;
            }
            if (fewestLayers) {
                for (int l : fleet.footprint(n, m, o).fittingLayerCounts(plan.vramLeft(n), plan.ramLeft(n),
                        fleet.maxGpuLayers(n, m))) {
                    layers = l > 0 ? Math.min(layers, l) : layers;
                }
            }
            WorkingPlan.Runner r = new WorkingPlan.Runner(n, m, o, layers);
            plan.add(r);
            PlanEvaluator.Score s = evaluator.score(plan);
            plan.remove(r);
            best = better(best, new Candidate(r, s, share(n, fleet.footprint(n, m, o), layers)));
        }
        return best;
    }

    /** Higher score; on a tie less memory, then the lower node, model and option (deterministic). */
    static Candidate better(Candidate a, Candidate b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (b.score.beats(a.score, PlanEvaluator.noise(a.score))) {
            return b;
        }
        if (a.score.beats(b.score, PlanEvaluator.noise(b.score))) {
            return a;
        }
        if (a.footprint != b.footprint) {
            return a.footprint < b.footprint ? a : b;
        }
        return WorkingPlan.ORDER.thenComparingInt(WorkingPlan.Runner::option).compare(a.runner, b.runner) <= 0
                ? a : b;
    }
}
