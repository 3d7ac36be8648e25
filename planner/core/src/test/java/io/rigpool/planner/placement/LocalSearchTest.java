package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalSearch} on its own, on a hand-made draft: a change to a running runner is made only when it gains
 * more than the churn margins (the minimum tok/s and the minimum share of the plan's value), a change among new
 * runners only has to win, and a runner within its dwell time or pinned is left alone; {@link LocalSearch#fill}
 * adds a runner only while one gains the minimum.
 */
class LocalSearchTest {

    private static final long MIB = Draft.MIB;
    private static final long GIB = Draft.GIB;
    private static final Instant NOW = Instant.parse("2026-03-01T18:00:00Z");
    private static final int FULL = 5;

    /**
     * One GPU PC and one model with more demand than it serves, running whole on the GPU with 1 slot (572 tok/s);
     * with 2 slots it would serve about 999 tok/s after its reload, a gain of about 427 tok/s, but each request
     * would see less speed.
     */
    private static final ModelSpec A = Draft.model("a", 10_000, 0, 1, 2);

    private static PlacementProblem onePc(PlacementSettings settings) {
        return PlacementProblem.fresh(List.of(SyntheticModels.node("gpu", 8 * GIB, 16 * GIB, 900, 60, "a")),
                List.of(A), settings);
    }

    /** The problem with the 1-slot runner in force since then. */
    private static PlacementProblem running(PlacementProblem problem, Instant since) {
        return problem.withCurrent(List.of(Draft.running("gpu", A, 0, FULL, since)), NOW);
    }

    private static Draft oneSlot(PlacementProblem problem) {
        Draft d = Draft.of(problem);
        return d.with(d.runner("gpu", "a", 0, FULL));
    }

    private static WorkingPlan improved(Draft d) {
        return new LocalSearch(d.fleet(), d.evaluator()).improve(d.plan().copy());
    }

    private static PlacementSettings minGain(double tps, double fraction) {
        return SyntheticModels.exactSettings().withMinGain(tps, fraction);
    }

    @Test
    void theDraftBelowGainsBetweenOneAndAThousandTokensPerSecondAndIsSlowerPerRequest() {
        Draft d = oneSlot(running(onePc(minGain(0, 0)), NOW.minus(Duration.ofHours(1))));
        Draft twoSlots = Draft.of(d.fleet().problem);
        twoSlots.with(twoSlots.runner("gpu", "a", 1, FULL));
        PlanEvaluator.Score now = d.evaluator().score(d.plan());
        PlanEvaluator.Score then = twoSlots.evaluator().score(twoSlots.plan());
        double gain = then.value() - now.value();
        assertTrue(gain > 1 && gain < 1000 && gain < now.value(), "gain " + gain + " of " + now.value());
        assertTrue(then.quality().requestTps() < now.quality().requestTps());
    }

    @Test
    void aChangeToARunningRunnerThatGainsMoreThanTheMarginsIsMade() {
        Draft d = oneSlot(running(onePc(minGain(1, 0.02)), NOW.minus(Duration.ofHours(1))));
        assertEquals(List.of(d.runner("gpu", "a", 1, FULL)), improved(d).runners());
    }

    @Test
    void aChangeToARunningRunnerThatGainsLessThanTheMinimumTokensPerSecondIsNotMade() {
        Draft d = oneSlot(running(onePc(minGain(1000, 0)), NOW.minus(Duration.ofHours(1))));
        assertEquals(List.of(d.runner("gpu", "a", 0, FULL)), improved(d).runners());
    }

    @Test
    void aChangeToARunningRunnerThatGainsLessThanTheMinimumShareOfThePlansValueIsNotMade() {
        Draft d = oneSlot(running(onePc(minGain(0, 1.0)), NOW.minus(Duration.ofHours(1))));
        assertEquals(List.of(d.runner("gpu", "a", 0, FULL)), improved(d).runners());
    }

    @Test
    void aChangeAmongNewRunnersOnlyHasToWin() {
        // The same margins as above, but nothing runs yet: the draft's runner is new, so no churn to pay for.
        Draft d = oneSlot(onePc(minGain(1000, 1.0)));
        assertEquals(List.of(d.runner("gpu", "a", 1, FULL)), improved(d).runners());
    }

    @Test
    void aRunnerWithinItsDwellTimeIsLeftAlone() {
        // Started a minute ago, under the 2-minute dwell time; any gain would do otherwise.
        Draft d = oneSlot(running(onePc(minGain(1e-3, 0).withMinDwell(Duration.ofMinutes(2))),
                NOW.minus(Duration.ofMinutes(1))));
        assertEquals(List.of(d.runner("gpu", "a", 0, FULL)), improved(d).runners());
    }

    @Test
    void aPinnedRunnerIsLeftAlone() {
        Draft d = oneSlot(onePc(minGain(1e-3, 0)).withPins(List.of(new Pin("a", "gpu"))));
        assertEquals(List.of(d.runner("gpu", "a", 0, FULL)), improved(d).runners());
    }

    /**
     * x (2,000 MiB whole on a GPU) on the big card and y (3,200 MiB) with 2 layers on the small one: the other way
     * round both run wholly on a GPU: x still serves its 500 tok/s, y ten times as much as before.
     */
    private static Draft crossed(PlacementSettings settings, boolean running) {
        ModelSpec x = Draft.model("x", 500, 0);
        ModelSpec y = SyntheticModels.model("y", 10_000, new long[] {600 * MIB, 600 * MIB, 600 * MIB, 600 * MIB},
                100 * MIB, 50 * MIB, 1);
        PlacementProblem problem = PlacementProblem.fresh(
                List.of(SyntheticModels.node("big", 3584 * MIB, 16 * GIB, 900, 60, "x", "y"),
                        SyntheticModels.node("small", 2304 * MIB, 16 * GIB, 900, 60, "x", "y")),
                List.of(x, y), settings);
        if (running) {
            Instant since = NOW.minus(Duration.ofHours(1));
            problem = problem.withCurrent(List.of(Draft.running("big", x, 0, FULL, since),
                    Draft.running("small", y, 0, 2, since)), NOW);
        }
        Draft d = Draft.of(problem);
        return d.with(d.runner("big", "x", 0, FULL)).with(d.runner("small", "y", 0, 2));
    }

    /** y whole on the big card, x whole on the small one (y may keep a CPU-only replica there as well). */
    private static void assertSwapped(Draft d, WorkingPlan after) {
        assertEquals(List.of(d.runner("big", "y", 0, FULL)), after.on(d.node("big")));
        assertEquals(d.runner("small", "x", 0, FULL), after.runnerOf(d.node("small"), d.model("x")));
    }

    /** A swap, or emptying both nodes and refilling them: either move finds the trade (neither is tested alone). */
    @Test
    void twoRunnersTradeNodesWhenThatWins() {
        Draft d = crossed(minGain(1000, 1.0), false);
        assertSwapped(d, improved(d));
    }

    @Test
    void twoRunningRunnersTradeNodesOnlyForMoreThanTheMinimumGain() {
        Draft made = crossed(minGain(1, 0.02), true);
        assertSwapped(made, improved(made));
        // Below the margins both running runners stay as they are (a new runner beside them needs no margin).
        Draft kept = crossed(minGain(1000, 1.0), true);
        WorkingPlan after = improved(kept);
        assertEquals(kept.runner("big", "x", 0, FULL), after.runnerOf(kept.node("big"), kept.model("x")));
        assertEquals(kept.runner("small", "y", 0, 2), after.runnerOf(kept.node("small"), kept.model("y")));
    }

    @Test
    void fillAddsARunnerOnlyWhileOneGainsTheMinimum() {
        // Two like PCs, the second's runner serving what it can of the demand: one on the first would double that,
        // and gain nothing on the later terms (per-request speed, headroom) that would count without the minimum.
        List<NodeSpec> nodes = List.of(SyntheticModels.node("one", 8 * GIB, 16 * GIB, 900, 60, "a"),
                SyntheticModels.node("two", 8 * GIB, 16 * GIB, 900, 60, "a"));
        for (double minimum : new double[] {1, 1e6}) {
            Draft d = Draft.of(PlacementProblem.fresh(nodes, List.of(Draft.model("a", 10_000, 0)),
                    minGain(minimum, 0)));
            d.with("two", "a");
            WorkingPlan filled = new LocalSearch(d.fleet(), d.evaluator()).fill(d.plan().copy());
            List<WorkingPlan.Runner> expected = minimum == 1 ? List.of(d.runner("one", "a"), d.runner("two", "a"))
                    : List.of(d.runner("two", "a"));
            assertEquals(expected, filled.runners(), "minimum gain " + minimum);
        }
    }

    /** The search of a seed's random fleet, started from the draft the search stopped at before a move was added. */
    private static WorkingPlan improvedFrom(long seed, WorkingPlan.Runner... draft) {
        Fleet fleet = new Fleet(SyntheticModels.random(seed));
        PlanEvaluator evaluator = new PlanEvaluator(fleet, fleet.problem.settings().exactEvaluationLimit());
        WorkingPlan plan = new WorkingPlan(fleet);
        for (WorkingPlan.Runner r : draft) {
            plan.add(r);
        }
        return new LocalSearch(fleet, evaluator).improve(plan);
    }

    @Test
    void aThirdReplicaOnAnIdleNodeComesWithOneSlotLessForARunningOne() {
        // Seed 663: model 2 (88 tok/s demanded) on nodes 0 and 2 with two slots each, node 1 idle. A replica on node
        // 1 alone is allotted nothing; with node 0 down to one slot all three serve and the busiest node falls.
        WorkingPlan plan = improvedFrom(663, new WorkingPlan.Runner(0, 2, 1, 1), new WorkingPlan.Runner(2, 2, 1, 1));

        assertEquals(List.of(new WorkingPlan.Runner(0, 2, 0, 1), new WorkingPlan.Runner(1, 2, 0, 1),
                new WorkingPlan.Runner(2, 2, 1, 1)), plan.runners());
    }

    @Test
    void twoModelsTradePlacesOverThreeNodesWhereEachSingleStepServesLess() {
        // Seed 547: model 0 on nodes 0 and 2, model 2 on node 1, 302.2 tok/s served; the reverse serves 315.0.
        WorkingPlan plan = improvedFrom(547, new WorkingPlan.Runner(0, 0, 1, 1), new WorkingPlan.Runner(1, 2, 1, 2),
                new WorkingPlan.Runner(2, 0, 1, 3));

        assertEquals(List.of(2, 0, 2), plan.runners().stream().map(WorkingPlan.Runner::model).toList());
    }
}
