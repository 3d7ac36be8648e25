package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's properties of a plan once demand is met, over random fleets (seed in every message): nothing loaded
 * that serves nothing, no model left partly on a CPU beside an idle GPU it fits on whole or that holds more of its
 * layers, and an idle node added never makes a plan worse: not on coverage, the floor or served throughput, and on
 * the later terms not before one of them got better (what a lexicographic objective promises).
 */
class PlanQualityPropertiesTest {

    private static final int SEEDS = 200;
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    @Test
    void noRunnerServesNothingExceptAModelsOnlyReplica() {
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = SyntheticModels.random(seed).withSettings(PlacementSettings.defaults());
            Placement plan = optimiser.place(problem);
            for (PlannedInstance i : plan.instances()) {
                if (i.servedTps() <= PlanQuality.NOTHING_SERVED) {
                    assertTrue(plan.models().get(i.modelId()).replicas() == 1, "seed " + seed + ": " + i.instance()
                            + " serves nothing beside other replicas: " + plan.runners());
                }
            }
        }
    }

    @Test
    void aModelThatFitsWholeOnAnIdleGpuIsNotLeftPartialOrCpuOnlyElsewhereWhenDemandIsMet() {
        int checked = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = aTenthOfTheDemand(seed, PlacementSettings.defaults());
            Placement plan = optimiser.place(problem);
            if (!demandMet(problem, plan)) {
                continue;
            }
            checked++;
            Set<String> busy = busyNodes(plan);
            for (ModelSpec model : problem.models()) {
                List<PlannedInstance> replicas = plan.instances().stream()
                        .filter(i -> i.modelId().equals(model.modelId()) && i.servedTps() > 0).toList();
                if (replicas.isEmpty() || replicas.stream().anyMatch(i -> whole(model, i))) {
                    continue;
                }
                for (NodeSpec node : problem.nodes()) {
                    if (busy.contains(node.nodeId()) || !node.gpuOffload() || !node.holds(model.modelId())) {
                        continue;
                    }
                    for (Footprint f : model.options()) {
                        assertTrue(f.gpuBytes(f.fullOffload()) > node.vramBudget()
                                || f.cpuBytes(f.fullOffload()) > node.ramBudget(), "seed " + seed + ": "
                                + model.modelId() + " fits whole on idle " + node.nodeId() + " (" + f.option()
                                + ") but runs " + replicas.stream().map(PlannedInstance::instance).toList());
                    }
                }
            }
        }
        assertTrue(checked > SEEDS / 4, "too few seeds meet their demand to check: " + checked);
    }

    @Test
    void noModelRunsWithCpuLayersWhileAGpuThatHoldsMoreOfItsLayersIsIdleWhenDemandIsMet() {
        int checked = 0;
        int withCpuLayers = 0;
        // Also with the general search cut short (no evaluations to spend), as on a dozen PCs, where it runs out of
        // budget: the idle-GPU step must still leave no such GPU idle.
        for (long run = 0; run < 2 * SEEDS; run++) {
            long seed = run % SEEDS;
            PlacementSettings settings = run < SEEDS ? PlacementSettings.defaults()
                    : PlacementSettings.defaults().withSearchBudget(0);
            PlacementProblem problem = aTenthOfTheDemand(seed, settings);
            Placement plan = optimiser.place(problem);
            if (!demandMet(problem, plan)) {
                continue;
            }
            checked++;
            Set<String> busy = busyNodes(plan);
            for (PlannedInstance i : plan.instances()) {
                ModelSpec model = problem.modelsById().get(i.modelId());
                if (i.servedTps() <= PlanQuality.NOTHING_SERVED || whole(model, i)) {
                    continue;
                }
                withCpuLayers++;
                for (NodeSpec node : problem.nodes()) {
                    if (busy.contains(node.nodeId()) || !node.schedulable() || !node.gpuOffload()
                            || !node.holds(model.modelId())) {
                        continue;
                    }
                    for (Footprint f : model.options()) {
                        int there = f.largestFitting(node.vramBudget(), node.ramBudget(), true);
                        assertTrue(there <= i.instance().gpuLayers(), "seed " + seed + (run < SEEDS ? ""
                                : " (no search budget)") + ": " + i.instance()
                                + " serves " + i.servedTps() + " tok/s with layers on a CPU, but idle "
                                + node.nodeId() + " holds " + there + " of its layers (" + f.option() + "): "
                                + plan.runners());
                    }
                }
            }
        }
        assertTrue(checked > SEEDS / 2, "too few seeds meet their demand to check: " + checked);
        assertTrue(withCpuLayers > 0, "no plan has a runner with CPU layers to check");
    }

    /**
     * On a fresh fleet (nothing in force) the optimiser plans the fleet with the node as it would plan it anyway,
     * so only what a lexicographic objective promises holds: no term worse before one got better (seed 21: the new
     * node takes a CPU-only runner's layers and per-request speed falls 323 to 284 tok/s, for the busiest node at
     * 24 % instead of 95 %; the exhaustive optimum makes the same trade).
     */
    @Test
    void addingAnIdleNodeToAFreshFleetNeverMakesThePlanWorseOnAnyTermBeforeOneGetsBetter() {
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = SyntheticModels.random(seed).withSettings(PlacementSettings.defaults());
            Placement before = optimiser.place(problem);
            Placement after = optimiser.place(withIdleNode(problem));
            if (servesMore(before, after, Placement::valueTps)) {
                continue; // it serves more: the terms after served throughput are about other plans
            }
            // Term by term in the objective's order: none may get worse beyond its band until one got better (a
            // lexicographic objective may then trade a later term for it).
            Term[] terms = terms(problem, before, after);
            for (Term t : terms) {
                assertTrue(t.now <= t.was + t.band, t.name + " worse, " + context(seed, before, after));
                if (t.now < t.was - t.band) {
                    break;
                }
            }
        }
    }

    /**
     * Issue 14's property as a running fleet sees it: the plan in force (its runners long past their dwell time,
     * so all may change) and an idle node joins. The new plan serves more, or is worse on no term of the objective,
     * each within its band: the search answers to the plan in force on every term, not only the first that differs.
     */
    @Test
    void anIdleNodeJoiningARunningFleetMakesItsPlanWorseOnNoTerm() {
        Instant now = Instant.parse("2026-03-01T18:00:00Z");
        int checked = 0;
        for (long run = 0; run < 4 * SEEDS; run++) {
            long seed = run % SEEDS;
            PlacementProblem problem = scaledDemand(seed, new double[] {1, 0.5, 0.3, 0.2}[(int) (run / SEEDS)],
                    SyntheticModels.exactSettings());
            Placement before = optimiser.place(problem);
            List<CurrentInstance> running = before.runners().stream()
                    .map(i -> new CurrentInstance(i, now.minus(Duration.ofDays(1)))).toList();
            Placement after = optimiser.place(withIdleNode(problem).withCurrent(running, now));
            if (servesMore(before, after, Placement::servedTps)) {
                continue;
            }
            checked++;
            assertWorseOnNoTerm(problem, before, after, "run " + run + ", " + context(seed, before, after));
        }
        assertTrue(checked > SEEDS / 2, "too few seeds serve as much with the node as without: " + checked);
    }

    /**
     * The search itself, started from the plan in force extended with the idle node (a fresh fleet's plan, planned
     * again with the node): answering to that plan, it ends worse on no term; without it, the lexicographic search
     * trades (seed 21's per-request speed for headroom and CPU layers), which is why it answers to it.
     */
    @Test
    void theSearchFromThePlanInForceWithAnIdleNodeEndsWorseOnNoTerm() {
        int traded = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = SyntheticModels.random(seed).withSettings(PlacementSettings.defaults());
            Placement before = optimiser.place(problem);
            PlacementProblem bigger = withIdleNode(problem);
            Placement answering = searchFrom(bigger, before, true);
            Placement free = searchFrom(bigger, before, false);
            if (!servesMore(before, answering, Placement::valueTps)) {
                assertWorseOnNoTerm(problem, before, answering, context(seed, before, answering));
            }
            if (!servesMore(before, free, Placement::valueTps) && worseTerm(problem, before, free) != null) {
                traded++;
            }
        }
        assertTrue(traded > 0, "no seed where the search trades a term when it need not answer to the plan in force");
    }

    /**
     * The plan's runners in the bigger fleet, improved as the optimiser improves the runners it keeps: those of
     * models with demand go through the search and the cut of idle replicas, then idle models get their replica.
     */
    private static Placement searchFrom(PlacementProblem problem, Placement plan, boolean answerToIt) {
        Draft d = Draft.of(problem);
        for (PlannedInstance i : plan.instances()) {
            int n = d.node(i.nodeId());
            int m = d.model(i.modelId());
            int option = d.fleet().optionIndex(m, i.instance().option());
            if (d.fleet().demand[m] > 0) {
                d.with(new WorkingPlan.Runner(n, m, option, d.fleet().level(n, m, option, i.instance())));
            }
        }
        LocalSearch search = new LocalSearch(d.fleet(), d.evaluator(),
                answerToIt ? d.evaluator().score(d.plan()) : null);
        WorkingPlan result = search.useIdleGpus(search.fill(search.improve(search.fill(d.plan()))));
        result = new IdleReplicas(d.fleet(), d.evaluator()).drop(result);
        new Coverage(d.fleet(), d.notes()).idle(result);
        return new PlacementReport(d.fleet(), d.notes(), d.evaluator()).build(result, d.evaluator().score(result));
    }

    private static void assertWorseOnNoTerm(PlacementProblem problem, Placement before, Placement after,
            String context) {
        String worse = worseTerm(problem, before, after);
        assertTrue(worse == null, worse + " worse, " + context);
    }

    /** The first term on which {@code after} is worse than {@code before} beyond its band, or null. */
    private static String worseTerm(PlacementProblem problem, Placement before, Placement after) {
        for (Term t : terms(problem, before, after)) {
            if (t.now > t.was + t.band) {
                return t.name;
            }
        }
        return null;
    }

    private static PlacementProblem scaledDemand(long seed, double share, PlacementSettings settings) {
        PlacementProblem random = SyntheticModels.random(seed).withSettings(settings);
        return random.withModels(random.models().stream().map(m -> new ModelSpec(m.modelId(), m.options(),
                m.demandTps() * share, m.minReplicas(), m.fileBytes())).toList());
    }

    private static PlacementProblem withIdleNode(PlacementProblem problem) {
        List<NodeSpec> nodes = new ArrayList<>(problem.nodes());
        String[] all = problem.models().stream().map(ModelSpec::modelId).toArray(String[]::new);
        nodes.add(SyntheticModels.node("spare", 3 * SyntheticModels.GIB, 8 * SyntheticModels.GIB, 500, 50, all));
        return problem.withNodes(nodes);
    }

    /**
     * Coverage, the floor and served throughput ({@code served}: value less load costs on a fresh fleet, where
     * both plans load everything; tok/s served for a running one, whose kept runners cost no load) never fall with
     * a node more; true when one of them rose.
     */
    private static boolean servesMore(Placement before, Placement after, ToDoubleFunction<Placement> served) {
        String context = before.runners() + " " + after.runners();
        assertTrue(after.coverage() >= before.coverage(), "coverage, " + context);
        assertTrue(after.quality().cpuOnlyFloorBreaches() <= before.quality().cpuOnlyFloorBreaches(),
                "floor, " + context);
        assertTrue(served.applyAsDouble(after) >= served.applyAsDouble(before) * (1 - 1e-6), "served, " + context);
        return after.coverage() > before.coverage()
                || after.quality().cpuOnlyFloorBreaches() < before.quality().cpuOnlyFloorBreaches()
                || served.applyAsDouble(after) > served.applyAsDouble(before) * (1 + 1e-6);
    }

    /** One term before and after, as "less is better", with the objective's band for it. */
    private record Term(String name, double was, double now, double band) {
    }

    /**
     * The terms after served throughput, in the objective's order. First: models available at all (an idle model
     * may get its one replica in the new node's memory). The replicas of models nobody asks for are the
     * availability step's, which gives them a GPU where one has room (so a new node may hold them, faster and
     * larger): idle memory counts the others.
     */
    private static Term[] terms(PlacementProblem problem, Placement before, Placement after) {
        PlanQuality b = before.quality();
        PlanQuality a = after.quality();
        double served = Math.max(1, before.servedTps());
        return new Term[] {
            new Term("models available", -available(before), -available(after), 0),
            new Term("idle memory", spareIdleBytes(problem, before), spareIdleBytes(problem, after),
                    Objective.TIE.idleBytes()),
            new Term("CPU layers", b.offGpuTps(), a.offGpuTps(), Objective.TIE.offGpuShare() * served),
            new Term("headroom", b.busiestNodeShare(), a.busiestNodeShare(), Objective.TIE.headroom()),
            new Term("request speed", -b.requestTps(), -a.requestTps(),
                    Objective.TIE.requestShare() * Math.max(a.requestTps(), b.requestTps()))};
    }

    private static String context(long seed, Placement before, Placement after) {
        return "seed " + seed + ": before " + before.runners() + " " + before.quality() + ", after " + after.runners()
                + " " + after.quality();
    }

    /** RAM and VRAM held by runners that serve nothing, of models that have demand. */
    private static double spareIdleBytes(PlacementProblem problem, Placement plan) {
        return plan.instances().stream().filter(i -> i.servedTps() <= PlanQuality.NOTHING_SERVED
                && problem.modelsById().get(i.modelId()).demandTps() > 0)
                .mapToDouble(i -> i.gpuBytes() + i.cpuBytes()).sum();
    }

    private static long available(Placement plan) {
        return plan.models().values().stream().filter(m -> m.replicas() > 0).count();
    }

    private static boolean whole(ModelSpec model, PlannedInstance i) {
        return i.instance().gpuLayers() == model.footprint(i.instance().option()).orElseThrow().fullOffload();
    }

    /** A random fleet and models of this seed with a tenth of their random demand, so that most fleets meet it. */
    private static PlacementProblem aTenthOfTheDemand(long seed, PlacementSettings settings) {
        return scaledDemand(seed, 0.1, settings);
    }

    private static boolean demandMet(PlacementProblem problem, Placement plan) {
        double demand = problem.models().stream().mapToDouble(ModelSpec::demandTps).sum();
        return plan.servedTps() >= demand - 1e-6;
    }

    /** The nodes that run anything in the plan. */
    private static Set<String> busyNodes(Placement plan) {
        Set<String> busy = new HashSet<>();
        plan.instances().forEach(i -> busy.add(i.nodeId()));
        return busy;
    }
}
