package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.placement.simulation.DemandMix;
import io.rigpool.planner.placement.simulation.SimulatedFleet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's fleet: an RTX 4090, 3060 and 4060 with Gemma-2-27B, Qwen2.5-14B and Llama-3.1-8B. Once demand is met,
 * the plan must load nothing that serves nothing, give Llama the 4060 it fits wholly on, and leave the 4090 room.
 */
class ThreeCardFleetTest {

    private static PlacementProblem problem(DemandMix mix) {
        List<ModelSpec> models = new ArrayList<>();
        mix.tokensPerSecond().forEach((id, tps) -> models.add(SimulatedFleet.model(id, tps,
                SimulatedFleet.options())));
        return PlacementProblem.fresh(SimulatedFleet.nodes(SimulatedFleet.threeCards()), models,
                PlacementSettings.defaults());
    }

    private static Placement plan(DemandMix mix) {
        Placement plan = new DemandAwareOptimiser().place(problem(mix));
        plan.instances().forEach(i -> System.out.println(mix.name() + ": " + i.instance() + " serves "
                + i.servedTps() + " — " + i.reason()));
        System.out.println(mix.name() + ": " + plan.quality());
        return plan;
    }

    @Test
    void gemmaHeavyMixServesEverythingWithLlamaWhollyOnThe4060AndNothingIdle() {
        Placement plan = plan(DemandMix.threeCards().get(0));
        assertEquals(80, plan.servedTps(), 1e-6);
        assertNothingIdleAndNoGpuLeftIdle(plan);
        PlannedInstance llama = only(plan, "pc-4060");
        assertEquals(DemandMix.LLAMA_8B, llama.modelId());
        assertWhollyOnGpu(problem(DemandMix.threeCards().get(0)), llama);
        assertTrue(plan.quality().busiestNodeShare() < 0.9, "headroom: " + plan.quality());
    }

    @Test
    void smallHeavyMixServesEverythingWithNoIdleReplicaAndNoIdleGpu() {
        Placement plan = plan(DemandMix.threeCards().get(1));
        assertEquals(85, plan.servedTps(), 1e-6);
        assertNothingIdleAndNoGpuLeftIdle(plan);
        assertTrue(plan.quality().busiestNodeShare() < 0.9, "headroom: " + plan.quality());
    }

    private static void assertNothingIdleAndNoGpuLeftIdle(Placement plan) {
        for (PlannedInstance i : plan.instances()) {
            assertTrue(i.servedTps() > 0, "serves nothing: " + i.instance());
        }
        assertEquals(0, plan.quality().idleBytes());
        assertEquals(0, plan.quality().idleGpusWhileOffGpu(), plan.runners().toString());
        for (String node : List.of("pc-4090", "pc-3060", "pc-4060")) {
            assertTrue(!plan.on(node).isEmpty(), node + " left idle: " + plan.runners());
        }
    }

    private static PlannedInstance only(Placement plan, String node) {
        List<PlannedInstance> there = plan.on(node);
        assertEquals(1, there.size(), node + ": " + there);
        return there.get(0);
    }

    private static void assertWhollyOnGpu(PlacementProblem problem, PlannedInstance i) {
        Footprint f = problem.modelsById().get(i.modelId()).footprint(i.instance().option()).orElseThrow();
        assertEquals(f.fullOffload(), i.instance().gpuLayers(), i.reason());
    }
}
