package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties every plan must have, checked over random fleets (seed in every message). */
class PlacementPropertiesTest {

    private static final int SEEDS = 200;
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    @Test
    void theSameProblemGivesTheSamePlanWhateverOrderItsPartsCameIn() {
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = withDefaults(SyntheticModels.random(seed));
            List<NodeSpec> nodes = new ArrayList<>(problem.nodes());
            List<ModelSpec> models = new ArrayList<>(problem.models());
            Collections.shuffle(nodes, new Random(seed));
            Collections.shuffle(models, new Random(seed + 1));
            Placement a = optimiser.place(problem);
            Placement b = optimiser.place(problem.withNodes(nodes).withModels(models));
            assertEquals(a, b, "seed " + seed);
        }
    }

    @Test
    void anUnchangedFleetKeepsItsPlan() {
        Instant later = Instant.parse("2026-01-01T12:00:00Z");
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = withDefaults(SyntheticModels.random(seed));
            Placement first = optimiser.place(problem);
            Placement again = optimiser.place(problem.withCurrent(running(first, Instant.EPOCH), later));
            assertEquals(first.runners(), again.runners(), "seed " + seed);
            assertTrue(again.instances().stream().allMatch(i -> i.change() == PlannedInstance.Change.KEPT),
                    "seed " + seed);
        }
    }

    @Test
    void everyPlanFitsItsNodesAndServesNoModelBeyondItsDemand() {
        for (long seed = 0; seed < SEEDS; seed++) {
            PlacementProblem problem = withDefaults(SyntheticModels.random(seed));
            Placement plan = optimiser.place(problem);
            Map<String, long[]> used = new HashMap<>();
            Map<String, NodeSpec> nodes = problem.nodesById();
            for (PlannedInstance i : plan.instances()) {
                long[] u = used.computeIfAbsent(i.nodeId(), k -> new long[2]);
                u[0] += i.gpuBytes();
                u[1] += i.cpuBytes();
                assertTrue(nodes.get(i.nodeId()).holds(i.modelId()), "seed " + seed + ": " + i);
            }
            used.forEach((node, u) -> {
                assertTrue(u[0] <= nodes.get(node).vramBudget(), "VRAM over budget on " + node);
                assertTrue(u[1] <= nodes.get(node).ramBudget(), "RAM over budget on " + node);
            });
            for (ModelOutcome m : plan.models().values()) {
                assertTrue(m.servedTps() <= m.demandTps() + 1e-6, "seed " + seed + ": " + m);
            }
        }
    }

    @Test
    void aRunnerWithinItsDwellTimeIsNotMovedForAGain() {
        // One model, two nodes; it runs on the slow one. Right after it started it stays; later it moves.
        ModelSpec model = SyntheticModels.model("m", 500, new long[] {400 * SyntheticModels.MIB,
            400 * SyntheticModels.MIB}, 100 * SyntheticModels.MIB, 30 * SyntheticModels.MIB, 1);
        NodeSpec slow = SyntheticModels.node("slow", 0, 8 * SyntheticModels.GIB, 300, 40, "m");
        NodeSpec fast = SyntheticModels.node("fast", 4 * SyntheticModels.GIB, 8 * SyntheticModels.GIB, 900, 60, "m");
        PlacementProblem problem = PlacementProblem.fresh(List.of(slow, fast), List.of(model),
                PlacementSettings.defaults().withMinDwell(Duration.ofMinutes(2)));
        Instance onSlow = new Instance("slow", "m", model.options().get(0).option(), 0);
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Placement young = optimiser.place(problem.withCurrent(List.of(new CurrentInstance(onSlow,
                now.minusSeconds(30))), now));
        assertTrue(young.runners().contains(onSlow), young.runners().toString());
        Placement old = optimiser.place(problem.withCurrent(List.of(new CurrentInstance(onSlow,
                now.minus(Duration.ofMinutes(10)))), now));
        assertTrue(old.runners().stream().anyMatch(i -> i.nodeId().equals("fast")), old.runners().toString());
    }

    static List<CurrentInstance> running(Placement plan, Instant since) {
        return plan.runners().stream().map(i -> new CurrentInstance(i, since)).toList();
    }

    /** The random problems with the production thresholds (the hysteresis under test). */
    private static PlacementProblem withDefaults(PlacementProblem p) {
        return p.withSettings(PlacementSettings.defaults());
    }
}
