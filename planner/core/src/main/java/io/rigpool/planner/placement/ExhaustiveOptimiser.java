package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The brute-force reference: every combination of runners (every subset of models per node, every option and
 * every n_gpu_layers that fits), each judged by the exact evaluation on the whole objective ({@link Objective},
 * with no bands: any difference beyond round-off counts); the best wins, the first found on a tie. Only for
 * problems small enough to enumerate, without pins. Per node, configurations that another one with the same
 * models beats on every runner are dropped first: at least as fast (with every slot busy and per request), at
 * least as cheap to start, at least as many layers on the GPU, no more memory, no CPU-only runner the floor
 * forbids where the other has none. No term of the objective gets worse when a runner improves on all of these,
 * so no optimum is lost.
 */
public final class ExhaustiveOptimiser implements PlacementOptimiser {

    private final long maxPlans;

    /** @param maxPlans refuse problems with more combinations than this (after pruning) */
    public ExhaustiveOptimiser(long maxPlans) {
        this.maxPlans = maxPlans;
    }

    @Override
    public Placement place(PlacementProblem problem) {
        if (!problem.pins().isEmpty()) {
            throw new IllegalArgumentException("the exhaustive optimiser does not take pins");
        }
        Fleet fleet = new Fleet(problem);
        PlanEvaluator evaluator = new PlanEvaluator(fleet, Integer.MAX_VALUE);
        List<List<List<WorkingPlan.Runner>>> perNode = new ArrayList<>();
        long combinations = 1;
        for (int n = 0; n < fleet.nodeCount(); n++) {
            List<List<WorkingPlan.Runner>> configs = prune(fleet, configurations(fleet, n));
            perNode.add(configs);
            combinations *= configs.size();
            if (combinations > maxPlans) {
                throw new IllegalArgumentException("too many combinations to enumerate (> " + maxPlans + ")");
            }
        }
        WorkingPlan plan = new WorkingPlan(fleet);
        Best best = new Best();
        search(perNode, 0, plan, evaluator, best);
        WorkingPlan winner = new WorkingPlan(fleet);
        best.runners.forEach(winner::add);
        return new PlacementReport(fleet, new Notes(), evaluator).build(winner, evaluator.score(winner));
    }

    private static final class Best {
        PlanEvaluator.Score score;
        List<WorkingPlan.Runner> runners = List.of();
    }

    private static void search(List<List<List<WorkingPlan.Runner>>> perNode, int node, WorkingPlan plan,
            PlanEvaluator evaluator, Best best) {
        if (node == perNode.size()) {
            PlanEvaluator.Score s = evaluator.score(plan);
            if (best.score == null || s.beats(best.score, PlanEvaluator.noise(best.score), Objective.STRICT)) {
                best.score = s;
                best.runners = plan.runners();
            }
            return;
        }
        for (List<WorkingPlan.Runner> config : perNode.get(node)) {
            config.forEach(plan::add);
            search(perNode, node + 1, plan, evaluator, best);
            config.forEach(plan::remove);
        }
    }

    /** Every set of runners that fits node n's memory (the empty set included). */
    private static List<List<WorkingPlan.Runner>> configurations(Fleet fleet, int n) {
        List<List<WorkingPlan.Runner>> out = new ArrayList<>();
        WorkingPlan scratch = new WorkingPlan(fleet);
        extend(fleet, n, 0, scratch, new ArrayList<>(), out);
        return out;
    }

    private static void extend(Fleet fleet, int n, int index, WorkingPlan scratch, List<WorkingPlan.Runner> chosen,
            List<List<WorkingPlan.Runner>> out) {
        int[] models = fleet.eligible[n];
        if (index == models.length) {
            out.add(List.copyOf(chosen));
            return;
        }
        extend(fleet, n, index + 1, scratch, chosen, out);
        int m = models[index];
        for (int o = 0; o < fleet.optionCount(m); o++) {
            for (int layers = 0; layers <= fleet.footprint(n, m, o).fullOffload(); layers++) {
                if (!scratch.fits(n, m, o, layers)) {
                    continue;
                }
                WorkingPlan.Runner r = new WorkingPlan.Runner(n, m, o, layers);
                scratch.add(r);
                chosen.add(r);
                extend(fleet, n, index + 1, scratch, chosen, out);
                chosen.remove(chosen.size() - 1);
                scratch.remove(r);
            }
        }
    }

    private static List<List<WorkingPlan.Runner>> prune(Fleet fleet, List<List<WorkingPlan.Runner>> configs) {
        List<List<WorkingPlan.Runner>> kept = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < configs.size() && !dominated; j++) {
                if (i != j && dominates(fleet, configs.get(j), configs.get(i))
                        && (!dominates(fleet, configs.get(i), configs.get(j)) || j < i)) {
                    dominated = true;
                }
            }
            if (!dominated) {
                kept.add(configs.get(i));
            }
        }
        return kept;
    }

    /** a runs exactly the models of b, each at least as well on every figure the objective ranks. */
    private static boolean dominates(Fleet fleet, List<WorkingPlan.Runner> a, List<WorkingPlan.Runner> b) {
        if (a.size() != b.size()) {
            return false;
        }
        long floor = fleet.problem.settings().cpuOnlyFloorBytes();
        for (WorkingPlan.Runner rb : b) {
            WorkingPlan.Runner ra = null;
            for (WorkingPlan.Runner x : a) {
                if (x.model() == rb.model()) {
                    ra = x;
                }
            }
            if (ra == null) {
                return false;
            }
            Footprint fa = fleet.footprint(ra);
            Footprint fb = fleet.footprint(rb);
            double capA = fleet.capacity(ra.node(), ra.model(), ra.option(), ra.layers());
            double capB = fleet.capacity(rb.node(), rb.model(), rb.option(), rb.layers());
            double wA = fleet.weight(ra.node(), ra.model(), ra.option(), ra.layers());
            double wB = fleet.weight(rb.node(), rb.model(), rb.option(), rb.layers());
            double requestA = capA / fa.option().parallelSlots();
            double requestB = capB / fb.option().parallelSlots();
            double gpuShareA = (double) ra.layers() / fa.fullOffload();
            double gpuShareB = (double) rb.layers() / fb.fullOffload();
            long bytesA = fa.gpuBytes(ra.layers()) + fa.cpuBytes(ra.layers());
            long bytesB = fb.gpuBytes(rb.layers()) + fb.cpuBytes(rb.layers());
            boolean breachA = ra.layers() == 0 && fleet.models[ra.model()].fileBytes() > floor;
            boolean breachB = rb.layers() == 0 && fleet.models[rb.model()].fileBytes() > floor;
            if (capA < capB || wA < wB || requestA < requestB || gpuShareA < gpuShareB || bytesA > bytesB
                    || breachA && !breachB) {
                return false;
            }
        }
        return true;
    }
}
