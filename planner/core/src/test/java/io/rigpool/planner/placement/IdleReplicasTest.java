package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleReplicas} on hand-made drafts: a spare runner that serves nothing goes; a model's only replica, the
 * replicas an admin asked for, a pinned runner and a runner that serves stay.
 */
class IdleReplicasTest {

    private static final long GIB = Draft.GIB;

    /** A fast GPU PC and a slower one, both holding every model. */
    private static List<NodeSpec> nodes() {
        return List.of(SyntheticModels.node("fast", 8 * GIB, 16 * GIB, 900, 60, "a", "b"),
                SyntheticModels.node("slow", 8 * GIB, 16 * GIB, 300, 30, "a", "b"));
    }

    private static WorkingPlan dropped(Draft d) {
        return new IdleReplicas(d.fleet(), d.evaluator()).drop(d.plan().copy());
    }

    private static PlacementProblem problem(ModelSpec... models) {
        return PlacementProblem.fresh(nodes(), List.of(models), SyntheticModels.exactSettings());
    }

    @Test
    void aSpareReplicaThatServesNothingIsDroppedAndTheOneThatServesStays() {
        // 5 tok/s of demand: the fast PC's replica serves all of it, the slow one's nothing.
        Draft d = Draft.of(problem(Draft.model("a", 5, 0))).with("fast", "a").with("slow", "a");
        WorkingPlan after = dropped(d);
        assertEquals(List.of(d.runner("fast", "a")), after.runners());
    }

    @Test
    void dropsEveryIdleSpareAtOnceWhateverTheModel() {
        Draft d = Draft.of(problem(Draft.model("a", 5, 0), Draft.model("b", 5, 0))).with("fast", "a")
                .with("slow", "a").with("fast", "b").with("slow", "b");
        WorkingPlan after = dropped(d);
        assertEquals(List.of(d.runner("fast", "a"), d.runner("fast", "b")), after.runners());
    }

    @Test
    void aModelsOnlyReplicaStaysThoughItServesNothing() {
        Draft d = Draft.of(problem(Draft.model("a", 0, 0))).with("slow", "a");
        assertEquals(List.of(d.runner("slow", "a")), dropped(d).runners());
    }

    @Test
    void theReplicasAnAdminAskedForStay() {
        Draft d = Draft.of(problem(Draft.model("a", 5, 2))).with("fast", "a").with("slow", "a");
        assertEquals(2, dropped(d).size());
    }

    @Test
    void aPinnedSpareStays() {
        PlacementProblem pinned = problem(Draft.model("a", 5, 0)).withPins(List.of(new Pin("a", "slow")));
        Draft d = Draft.of(pinned).with("fast", "a").with("slow", "a");
        assertEquals(2, dropped(d).size());
    }

    @Test
    void spareReplicasThatServeAreKept() {
        // 10,000 tok/s is more than either PC serves alone: both replicas serve.
        Draft d = Draft.of(problem(Draft.model("a", 10_000, 0))).with("fast", "a").with("slow", "a");
        PlanEvaluator.Score before = d.evaluator().score(d.plan());
        assertTrue(before.allotment().served(0) > 0 && before.allotment().served(1) > 0, "both serve");
        WorkingPlan after = dropped(d);
        assertEquals(2, after.size());
        assertFalse(before.beats(d.evaluator().score(after), 0), "not worse");
    }
}
