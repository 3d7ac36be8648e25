package io.rigpool.planner.placement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges drafts: first the replicas towards each model's requirement, then the tokens per second served, less
 * what loads cost. One evaluator serves the optimiser, the exhaustive oracle and the benchmark's baselines, so
 * that every plan is judged by the same rule.
 */
final class PlanEvaluator {

    /**
     * A draft's score and the allotment behind it. The quality terms (which need a second program, for the
     * headroom) are measured only when a comparison reaches them.
     */
    static final class Score {

        private final Fleet fleet;
        private final int coverage;
        private final int floorBreaches;
        private final double value;
        private final double served;
        private final List<WorkingPlan.Runner> runners;
        private final Allotment allotment;
        private final boolean exact;
        private PlanQuality quality;

        Score(Fleet fleet, int coverage, double value, double served, List<WorkingPlan.Runner> runners,
                Allotment allotment, boolean exact) {
            this.fleet = fleet;
            this.coverage = coverage;
            this.floorBreaches = PlanQuality.cpuOnlyFloorBreaches(fleet, runners);
            this.value = value;
            this.served = served;
            this.runners = runners;
            this.allotment = allotment;
            this.exact = exact;
        }

        /** A score of given figures, with no plan behind it: what {@link Objective} compares, on its own. */
        Score(int coverage, int floorBreaches, double value, double served, PlanQuality quality) {
            this.fleet = null;
            this.coverage = coverage;
            this.floorBreaches = floorBreaches;
            this.value = value;
            this.served = served;
            this.runners = List.of();
            this.allotment = null;
            this.exact = true;
            this.quality = quality;
        }

        int coverage() {
            return coverage;
        }

        int floorBreaches() {
            return floorBreaches;
        }

        double value() {
            return value;
        }

        double served() {
            return served;
        }

        List<WorkingPlan.Runner> runners() {
            return runners;
        }

        Allotment allotment() {
            return allotment;
        }

        PlanQuality quality() {
            if (quality == null) {
                quality = PlanQuality.measure(fleet, runners, allotment, exact);
            }
            return quality;
        }

        /** Better than {@code other} on the objective, served throughput by more than {@code margin} tok/s. */
        boolean beats(Score other, double margin) {
            return Objective.decides(this, other, margin, Objective.TIE) != null;
        }

        /** As {@link #beats(Score, double)}, with the quality terms' bands given. */
        boolean beats(Score other, double margin, Objective.Bands bands) {
            return Objective.decides(this, other, margin, bands) != null;
        }
    }

    /** Differences below this are round-off, not gains. */
    static final double TOLERANCE = 1e-7;

    private static final int CACHE_LIMIT = 100_000;

    private final Fleet fleet;
    private final int exactLimit;
    private final Map<List<WorkingPlan.Runner>, Score> cache = new HashMap<>();
    private long solved;

    PlanEvaluator(Fleet fleet, int exactLimit) {
        this.fleet = fleet;
        this.exactLimit = exactLimit;
    }

    Score score(WorkingPlan plan) {
        boolean exact = plan.size() <= exactLimit;
        if (!exact) {
            return score(plan, false);
        }
        // The search judges the same draft many times over (each trial ends in familiar places).
        List<WorkingPlan.Runner> key = plan.runners();
        Score known = cache.get(key);
        if (known == null) {
            if (cache.size() > CACHE_LIMIT) {
                cache.clear();
            }
            known = score(plan, true);
            solved++;
            cache.put(key, known);
        }
        return known;
    }

    Score score(WorkingPlan plan, boolean exact) {
        List<WorkingPlan.Runner> runners = plan.runners();
        int count = runners.size();
        int[] node = new int[count];
        int[] model = new int[count];
        double[] capacity = new double[count];
        double[] weight = new double[count];
        double[] requestSpeed = new double[count];
        for (int i = 0; i < count; i++) {
            WorkingPlan.Runner r = runners.get(i);
            node[i] = r.node();
            model[i] = r.model();
            capacity[i] = fleet.capacity(r.node(), r.model(), r.option(), r.layers());
            weight[i] = fleet.weight(r.node(), r.model(), r.option(), r.layers());
            requestSpeed[i] = capacity[i] / fleet.footprint(r).option().parallelSlots();
        }
        Allotment allotment = Allotment.of(node, model, capacity, weight, requestSpeed, fleet.demand,
                fleet.nodeCount(), exact);
        return new Score(fleet, plan.coverage(), allotment.value(), allotment.total(), runners, allotment,
                exact);
    }

    /** Exact evaluations done so far (cached repeats not counted): what the search budget counts. */
    long solved() {
        return solved;
    }

    /** Scale for comparisons: gains below this share of the value are noise. */
    static double noise(Score s) {
        return TOLERANCE * Math.max(1, s.value());
    }
}
