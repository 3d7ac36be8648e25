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

    private static final long MIB = SyntheticModels.MIB;
    private static final long GIB = SyntheticModels.GIB;

    /** A 4-layer model of about 1.4 GiB, 1 slot. */
    private static ModelSpec model(String id, double demand, int minReplicas) {
        ModelSpec m = SyntheticModels.model(id, demand, new long[] {300 * MIB, 300 * MIB, 300 * MIB, 300 * MIB},
                100 * MIB, 50 * MIB, 1);
        return new ModelSpec(m.modelId(), m.options(), m.demandTps(), minReplicas, m.fileBytes());
    }

    /** A fast GPU PC and a slower one, both holding every model. */
    private static List<NodeSpec> nodes() {
        return List.of(SyntheticModels.node("fast", 8 * GIB, 16 * GIB, 900, 60, "a", "b"),
                SyntheticModels.node("slow", 8 * GIB, 16 * GIB, 300, 30, "a", "b"));
    }

    private record Draft(Fleet fleet, PlanEvaluator evaluator, WorkingPlan plan) {
        WorkingPlan.Runner runner(String node, String model) {
            int n = fleet.nodeIndex(node);
            int m = fleet.modelIndex(model);
            return new WorkingPlan.Runner(n, m, 0, fleet.footprint(n, m, 0).fullOffload());
        }

        Draft with(String node, String model) {
            plan.add(runner(node, model));
            return this;
        }

        WorkingPlan dropped() {
            return new IdleReplicas(fleet, evaluator).drop(plan.copy());
        }
    }

    private static Draft draft(PlacementProblem problem) {
        Fleet fleet = new Fleet(problem);
        return new Draft(fleet, new PlanEvaluator(fleet, Integer.MAX_VALUE), new WorkingPlan(fleet));
    }

    private static PlacementProblem problem(ModelSpec... models) {
        return PlacementProblem.fresh(nodes(), List.of(models), SyntheticModels.exactSettings());
    }

    @Test
    void aSpareReplicaThatServesNothingIsDroppedAndTheOneThatServesStays() {
        // 5 tok/s of demand: the fast PC's replica serves all of it, the slow one's nothing.
        Draft d = draft(problem(model("a", 5, 0))).with("fast", "a").with("slow", "a");
        WorkingPlan after = d.dropped();
        assertEquals(List.of(d.runner("fast", "a")), after.runners());
    }

    @Test
    void dropsEveryIdleSpareAtOnceWhateverTheModel() {
        Draft d = draft(problem(model("a", 5, 0), model("b", 5, 0))).with("fast", "a").with("slow", "a")
                .with("fast", "b").with("slow", "b");
        WorkingPlan after = d.dropped();
        assertEquals(List.of(d.runner("fast", "a"), d.runner("fast", "b")), after.runners());
    }

    @Test
    void aModelsOnlyReplicaStaysThoughItServesNothing() {
        Draft d = draft(problem(model("a", 0, 0))).with("slow", "a");
        assertEquals(List.of(d.runner("slow", "a")), d.dropped().runners());
    }

    @Test
    void theReplicasAnAdminAskedForStay() {
        Draft d = draft(problem(model("a", 5, 2))).with("fast", "a").with("slow", "a");
        assertEquals(2, d.dropped().size());
    }

    @Test
    void aPinnedSpareStays() {
        PlacementProblem pinned = problem(model("a", 5, 0)).withPins(List.of(new Pin("a", "slow")));
        Draft d = draft(pinned).with("fast", "a").with("slow", "a");
        assertEquals(2, d.dropped().size());
    }

    @Test
    void spareReplicasThatServeAreKept() {
        // 10,000 tok/s is more than either PC serves alone: both replicas serve.
        Draft d = draft(problem(model("a", 10_000, 0))).with("fast", "a").with("slow", "a");
        PlanEvaluator.Score before = d.evaluator().score(d.plan());
        assertTrue(before.allotment().served(0) > 0 && before.allotment().served(1) > 0, "both serve");
        WorkingPlan after = d.dropped();
        assertEquals(2, after.size());
        assertFalse(before.beats(d.evaluator().score(after), 0), "not worse");
    }
}
