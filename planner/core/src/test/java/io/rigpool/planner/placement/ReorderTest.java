package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Reorder} on its own, on hand-made drafts: a runner makes way for another model, which takes the GPU while
 * the first takes what is left; the follow-up on other nodes drops a runner that then serves nothing, but not a
 * pinned one or one of the plan in force, and re-splits another node only among runners it may replace, never a
 * pinned runner or one within its dwell time.
 */
class ReorderTest {

    private static final long MIB = Draft.MIB;
    private static final long GIB = Draft.GIB;
    private static final Instant NOW = Instant.parse("2026-03-01T18:00:00Z");
    private static final int FULL = 5;

    /** Room for one of the models whole on the GPU (2,000 MiB), not for a layer of a second (850 MiB more). */
    private static NodeSpec oneModelCard(String id, String... models) {
        return SyntheticModels.node(id, 2560 * MIB, 16 * GIB, 900, 60, models);
    }

    private static NodeSpec bigCard(String id, String... models) {
        return SyntheticModels.node(id, 8 * GIB, 16 * GIB, 900, 60, models);
    }

    private static List<WorkingPlan> reorder(Draft d, WorkingPlan.Runner r, String model) {
        Reorder reorder = new Reorder(d.fleet(), d.evaluator(), new Additions(d.fleet(), d.evaluator()));
        List<WorkingPlan> drafts = reorder.reorder(d.plan(), r, d.model(model));
        assertFalse(drafts.isEmpty());
        return drafts;
    }

    @Test
    void aRunnerMakesWayForAnotherModelAndTakesWhatIsLeft() {
        Draft d = Draft.of(PlacementProblem.fresh(List.of(oneModelCard("gpu", "a", "b")),
                List.of(Draft.model("a", 10_000, 0), Draft.model("b", 5, 0)), SyntheticModels.exactSettings()));
        d.with("gpu", "b");
        List<WorkingPlan.Runner> before = d.plan().runners();

        List<WorkingPlan> drafts = reorder(d, d.on("gpu", "b"), "a");

        // The first draft gives a the most layers that fit where b was: b goes CPU-only beside it.
        assertEquals(List.of(d.runner("gpu", "a", 0, FULL), d.runner("gpu", "b", 0, 0)), drafts.get(0).runners());
        for (WorkingPlan t : drafts) {
            assertTrue(t.runnerOf(d.node("gpu"), d.model("a")).layers() > 0, "a has the GPU: " + t.runners());
            assertEquals(1, t.replicas(d.model("b")), "b takes what is left: " + t.runners());
        }
        assertEquals(before, d.plan().runners(), "the draft given is left as it was");
    }

    @Test
    void aModelThatAlreadyRunsOnTheNodeIsPlacedAnew() {
        Draft d = Draft.of(PlacementProblem.fresh(List.of(oneModelCard("gpu", "a", "b")),
                List.of(Draft.model("a", 10_000, 0), Draft.model("b", 5, 0)), SyntheticModels.exactSettings()));
        d.with(d.runner("gpu", "a", 0, 0)).with("gpu", "b");

        List<WorkingPlan> drafts = reorder(d, d.on("gpu", "b"), "a");

        assertEquals(List.of(d.runner("gpu", "a", 0, FULL), d.runner("gpu", "b", 0, 0)), drafts.get(0).runners());
    }

    /**
     * a (5 tok/s) CPU-only on a PC without a GPU, b whole on a big card: once a runs on the card as well, a's runner
     * on the CPU serves nothing.
     */
    private static Draft servedElsewhere(PlacementProblem problem) {
        Draft d = Draft.of(problem);
        return d.with("gpu", "b").with(d.runner("cpu", "a", 0, 0));
    }

    private static PlacementProblem servedElsewhere() {
        return PlacementProblem.fresh(List.of(bigCard("gpu", "a", "b"),
                SyntheticModels.node("cpu", 0, 16 * GIB, 300, 30, "a")),
                List.of(Draft.model("a", 5, 0), Draft.model("b", 5, 0)), SyntheticModels.exactSettings());
    }

    /** Dropped by the follow-up's first pass, or failing that by its last (a spare runner dropped to serve more). */
    @Test
    void aNewRunnerElsewhereThatNowServesNothingIsDropped() {
        Draft d = servedElsewhere(servedElsewhere());
        for (WorkingPlan t : reorder(d, d.on("gpu", "b"), "a")) {
            assertEquals(List.of(d.runner("gpu", "a"), d.runner("gpu", "b")), t.runners());
        }
    }

    /**
     * The pinned runner serves nothing once a runs on the card, and stays for its pin. The runner in force keeps
     * serving a's demand (it needs no load, the card's new runner does), so it stays too.
     */
    @Test
    void aPinnedRunnerElsewhereOrOneOfThePlanInForceStays() {
        ModelSpec a = Draft.model("a", 5, 0);
        PlacementProblem pinned = servedElsewhere().withPins(List.of(new Pin("a", "cpu")));
        PlacementProblem running = servedElsewhere().withCurrent(
                List.of(Draft.running("cpu", a, 0, 0, NOW.minus(Duration.ofHours(1)))), NOW);
        for (PlacementProblem p : List.of(pinned, running)) {
            Draft d = servedElsewhere(p);
            for (WorkingPlan t : reorder(d, d.on("gpu", "b"), "a")) {
                assertTrue(t.runners().contains(d.runner("cpu", "a", 0, 0)), t.runners().toString());
                assertTrue(t.hosts(d.node("gpu"), d.model("a")), t.runners().toString());
            }
        }
    }

    /**
     * b whole on card one, a (600 tok/s) whole on card two and c (10,000 tok/s) CPU-only beside it. Once a runs on
     * card one (572 tok/s), card two serves c far better with c on its GPU and a in what is left.
     */
    private static PlacementProblem crowded() {
        return PlacementProblem.fresh(List.of(bigCard("one", "a", "b"), oneModelCard("two", "a", "c")),
                List.of(Draft.model("a", 600, 0), Draft.model("b", 5, 0), Draft.model("c", 10_000, 0)),
                SyntheticModels.exactSettings());
    }

    private static List<WorkingPlan> aTakesCardOne(PlacementProblem problem) {
        Draft d = Draft.of(problem);
        d.with("one", "b").with("two", "a").with(d.runner("two", "c", 0, 0));
        return reorder(d, d.on("one", "b"), "a");
    }

    @Test
    void theFollowUpGivesAnotherNodesGpuToTheModelThatServesMoreThere() {
        Draft d = Draft.of(crowded());
        for (WorkingPlan t : aTakesCardOne(crowded())) {
            assertNotEquals(0, t.runnerOf(d.node("two"), d.model("c")).layers(), t.runners().toString());
        }
    }

    @Test
    void theFollowUpDoesNotReplaceAPinnedRunnerOrOneWithinItsDwellTime() {
        ModelSpec c = Draft.model("c", 10_000, 0);
        PlacementProblem pinned = crowded().withPins(List.of(new Pin("c", "two")));
        PlacementProblem dwelling = crowded().withCurrent(
                List.of(Draft.running("two", c, 0, 0, NOW.minus(Duration.ofMinutes(1)))), NOW);
        for (PlacementProblem p : List.of(pinned, dwelling)) {
            String which = p == pinned ? "pinned" : "within its dwell time";
            Draft d = Draft.of(p);
            for (WorkingPlan t : aTakesCardOne(p)) {
                assertEquals(d.runner("two", "c", 0, 0), t.runnerOf(d.node("two"), d.model("c")),
                        which + ": " + t.runners());
            }
        }
    }
}
