package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing against the exhaustive optimiser on random small fleets ({@code -Dplacement.floor=BYTES} puts them
 * under a CPU-only floor). The
 * optimiser must always give as many required replicas as the optimum and no more CPU-only runners over the floor,
 * reach at least 98 % of the optimum's value on at least 99 % of the seeds and 99.5 % on average, and never fall
 * below 85 %; where both serve as much, each later term of the objective within 2 % of the optimum's on at least
 * 98 % of those seeds. A failure names its seed; rerun one seed with
 * {@code -Dplacement.seed=N}, more with {@code -Dplacement.seeds=N}.
 */
class OptimumFuzzTest {

    private static final int SEEDS = Integer.getInteger("placement.seeds", 1000);

    @Test
    void reachesTheExhaustiveOptimumWithinTwoPercentOnNearlyEverySeed() {
        Long only = Long.getLong("placement.seed");
        long first = only == null ? 0 : only;
        long last = only == null ? SEEDS - 1 : only;
        double worst = 1;
        long worstSeed = -1;
        double sum = 0;
        int within = 0;
        int count = 0;
        // Per ranked term after served throughput, on the seeds where both plans serve as much: how often the
        // plan's figure is within 2 % of the optimum's (each as "higher is better", see termScores).
        String[] terms = {"idle memory", "tok/s from CPU layers", "headroom", "per-request speed"};
        int[] termWithin = new int[terms.length];
        int termSeeds = 0;
        int floorMisses = 0;
        for (long seed = first; seed <= last; seed++) {
            PlacementProblem problem = SyntheticModels.random(seed);
            Long floor = Long.getLong("placement.floor");
            if (floor != null) {
                // Under an admin's floor. Not by default: the search still misses the optimum's served tok/s by
                // more than 15 % on a few seeds there (see the test below and planner/README.md).
                problem = problem.withSettings(problem.settings().withCpuOnlyFloor(floor));
            }
            Placement optimum = new ExhaustiveOptimiser(3_000_000).place(problem);
            Placement plan = new DemandAwareOptimiser().place(problem);
            String context = "seed " + seed + " (rerun with -Dplacement.seed=" + seed + "): plan " + plan.runners()
                    + " value " + plan.valueTps() + ", optimum " + optimum.runners() + " value "
                    + optimum.valueTps();
            assertTrue(plan.coverage() >= optimum.coverage(), "fewer required replicas than possible, " + context);
            if (plan.coverage() == optimum.coverage() && floorBreaches(problem, plan) > floorBreaches(problem, optimum)) {
                floorMisses++;
                System.out.println("optimum fuzz: more CPU-only runners over the floor than the optimum, " + context);
                continue; // the optimum gave up served tok/s for the floor: the values are not comparable
            }
            if (Math.abs(plan.valueTps() - optimum.valueTps()) <= 1e-6 * Math.max(1, optimum.valueTps())) {
                termSeeds++;
                double[] mine = termScores(problem, plan);
                double[] best = termScores(problem, optimum);
                for (int t = 0; t < terms.length; t++) {
                    if (mine[t] >= 0.98 * best[t] - 1e-9) {
                        termWithin[t]++;
                    }
                }
            }
            assertTrue(plan.valueTps() <= optimum.valueTps() * (1 + 1e-6) + 1e-6, "oracle beaten, " + context);
            double ratio = optimum.valueTps() <= 0 ? 1 : plan.valueTps() / optimum.valueTps();
            assertTrue(ratio >= 0.85, "below 85 % of the optimum, " + context);
            if (ratio >= 0.98) {
                within++;
            }
            if (ratio < worst) {
                worst = ratio;
                worstSeed = seed;
            }
            sum += ratio;
            count++;
        }
        String summary = String.format(Locale.ROOT, "%d seeds: %d within 2 %% of the optimum, mean %.4f, worst %.4f"
                + " (seed %d)", count, within, sum / count, worst, worstSeed);
        StringBuilder perTerm = new StringBuilder();
        for (int t = 0; t < terms.length; t++) {
            perTerm.append(String.format(Locale.ROOT, "%s%s %d of %d", t == 0 ? "" : ", ", terms[t], termWithin[t],
                    termSeeds));
        }
        System.out.println("optimum fuzz: " + summary + "; within 2 % per term where both serve as much: " + perTerm
                + "; more CPU-only runners over the floor than the optimum on " + floorMisses + " seeds");
        assertTrue(floorMisses <= 0.01 * count, "CPU-only floor missed on " + floorMisses + " seeds");
        assertTrue(within >= 0.99 * count, summary);
        assertTrue(sum / count >= 0.995, summary);
        for (int t = 0; t < terms.length; t++) {
            assertTrue(termWithin[t] >= 0.98 * termSeeds, terms[t] + ": " + perTerm);
        }
    }

    /**
     * Under an admin's 2 GiB floor (about half the random models' files are larger), the plan has no more CPU-only
     * runners over it than the exhaustive optimum on at least 99 % of the seeds, and always its coverage.
     */
    @Test
    void keepsWithinTheCpuOnlyFloorWhereverTheOptimumDoes() {
        long floor = 2L << 30;
        int seeds = Math.min(SEEDS, 300);
        int misses = 0;
        for (long seed = 0; seed < seeds; seed++) {
            PlacementProblem problem = SyntheticModels.random(seed);
            problem = problem.withSettings(problem.settings().withCpuOnlyFloor(floor));
            Placement optimum = new ExhaustiveOptimiser(3_000_000).place(problem);
            Placement plan = new DemandAwareOptimiser().place(problem);
            assertTrue(plan.coverage() >= optimum.coverage(), "seed " + seed + ": fewer required replicas");
            if (plan.coverage() == optimum.coverage()
                    && floorBreaches(problem, plan) > floorBreaches(problem, optimum)) {
                misses++;
            }
        }
        assertTrue(misses <= 0.01 * seeds, misses + " of " + seeds + " seeds over the floor where the optimum is not");
    }

    /** CPU-only runners over the floor of models with demand (the oracle places no replicas for idle models). */
    private static long floorBreaches(PlacementProblem problem, Placement plan) {
        return plan.instances().stream().filter(i -> i.instance().gpuLayers() == 0).map(i -> problem.modelsById()
                .get(i.modelId())).filter(m -> m.demandTps() > 0 && m.fileBytes() > problem.settings()
                        .cpuOnlyFloorBytes()).count();
    }

    /**
     * The quality terms as "higher is better" figures: the share of the fleet's memory not held by runners that
     * serve nothing, the share of the served tok/s not from CPU layers, the busiest node's idle share, and the
     * per-request speed.
     */
    private static double[] termScores(PlacementProblem problem, Placement plan) {
        double memory = problem.nodes().stream().mapToDouble(n -> n.vramBudget() + n.ramBudget()).sum();
        PlanQuality q = plan.quality();
        double served = Math.max(1e-9, plan.servedTps());
        // Replicas of models nobody asks for are the optimiser's availability step, which the oracle does not take.
        double idle = plan.instances().stream().filter(i -> i.servedTps() <= PlanQuality.NOTHING_SERVED
                && problem.modelsById().get(i.modelId()).demandTps() > 0)
                .mapToDouble(i -> i.gpuBytes() + i.cpuBytes()).sum();
        return new double[] {1 - idle / memory, 1 - q.offGpuTps() / served, 1 - q.busiestNodeShare(),
            q.requestTps()};
    }
}
