package io.rigpool.planner.placement;

import static io.rigpool.planner.placement.SyntheticModels.GIB;
import static io.rigpool.planner.placement.SyntheticModels.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A fleet too large for exact mode goes through the greedy path: the plan must still be valid, cover every model
 * with demand, be deterministic, and serve most of what the exact path serves on the same problem. (Its speed is
 * measured by the benchmark, not here.)
 */
class ScaleModeTest {

    @Test
    void theGreedyPathPlansALargeFleetValidlyAndCloseToTheExactPath() {
        PlacementProblem problem = fleet(60, 12, 3);
        PlacementProblem greedy = problem.withSettings(PlacementSettings.defaults().withExactEvaluationLimit(10));
        Placement scale = new DemandAwareOptimiser().place(greedy);
        assertEquals(scale, new DemandAwareOptimiser().place(greedy), "deterministic");
        Map<String, long[]> used = new HashMap<>();
        for (PlannedInstance i : scale.instances()) {
            long[] u = used.computeIfAbsent(i.nodeId(), k -> new long[2]);
            u[0] += i.gpuBytes();
            u[1] += i.cpuBytes();
        }
        Map<String, NodeSpec> nodes = problem.nodesById();
        used.forEach((n, u) -> assertTrue(u[0] <= nodes.get(n).vramBudget() && u[1] <= nodes.get(n).ramBudget(), n));
        for (ModelOutcome m : scale.models().values()) {
            assertTrue(m.demandTps() == 0 || m.replicas() >= 1, m.toString());
        }
        Placement exact = new DemandAwareOptimiser().place(problem.withSettings(PlacementSettings.defaults()
                .withExactEvaluationLimit(10_000)));
        assertTrue(scale.servedTps() >= 0.9 * exact.servedTps(), scale.servedTps() + " vs " + exact.servedTps());
    }

    static PlacementProblem fleet(int nodeCount, int modelCount, long seed) {
        Random rnd = new Random(seed);
        List<ModelSpec> models = new ArrayList<>();
        for (int m = 0; m < modelCount; m++) {
            long[] layers = new long[8 + rnd.nextInt(24)];
            java.util.Arrays.fill(layers, (100 + rnd.nextInt(200)) * MIB);
            models.add(SyntheticModels.model("m" + m, 3000.0 / (m + 1), layers, 300 * MIB, 8 * MIB, 1, 2, 4));
        }
        List<NodeSpec> nodes = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            Set<String> held = new HashSet<>();
            while (held.size() < Math.min(modelCount, 6)) {
                held.add("m" + rnd.nextInt(modelCount));
            }
            nodes.add(SyntheticModels.node(String.format("n%03d", n), (6 + rnd.nextInt(18)) * GIB,
                    (8 + rnd.nextInt(40)) * GIB, 250 + rnd.nextInt(750), 40 + rnd.nextInt(50),
                    held.toArray(String[]::new)));
        }
        return PlacementProblem.fresh(nodes, models, PlacementSettings.defaults());
    }
}
