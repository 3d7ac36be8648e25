package io.rigpool.planner.placement;

import static io.rigpool.planner.placement.SyntheticModels.GIB;
import static io.rigpool.planner.placement.SyntheticModels.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * GPU layers only where they really go to a GPU: a node without a proven backend gets none, whatever its VRAM; a
 * node whose load offloaded fewer layers than asked is capped at what it offloaded; a node's fitted speed decides
 * its predicted throughput.
 */
class GpuTruthTest {

    private static final long[] FOUR_LAYERS = {500 * MIB, 500 * MIB, 500 * MIB, 500 * MIB};
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    private static ModelSpec model(String id, double demand) {
        return SyntheticModels.model(id, demand, FOUR_LAYERS, 300 * MIB, 40 * MIB, 1, 2);
    }

    private static NodeSpec node(String id, boolean gpu, String cpuOnlyReason, double overheadSeconds) {
        return new NodeSpec(id, 20 * GIB, 16 * GIB, 500e9, 50e9, gpu, Set.of("a"), null, "", cpuOnlyReason,
                overheadSeconds);
    }

    @Test
    void aNodeWithoutAProvenBackendGetsNoGpuLayersAndSaysWhy() {
        NodeSpec cpuOnly = node("pc-1", false, "libjllama.so in natives/cuda-13 has no CUDA backend", 0);
        Placement plan = optimiser.place(PlacementProblem.fresh(List.of(cpuOnly), List.of(model("a", 50)),
                PlacementSettings.defaults()));
        PlannedInstance runner = plan.on("pc-1").get(0);
        assertEquals(0, runner.instance().gpuLayers());
        assertEquals(0, runner.gpuBytes());
        assertTrue(runner.reason().contains(
                "node pc-1 runs on the CPU only: libjllama.so in natives/cuda-13 has no CUDA backend"),
                runner.reason());
    }

    @Test
    void aShortOffloadCapsThatPairAndTheRunnerIsPlannedAgainBelowIt() {
        NodeSpec pc = node("pc-2", true, "", 0);
        PlacementProblem problem = PlacementProblem.fresh(List.of(pc), List.of(model("a", 50)),
                PlacementSettings.defaults());
        PlannedInstance uncapped = optimiser.place(problem).on("pc-2").get(0);
        assertEquals(5, uncapped.instance().gpuLayers(), "everything fits: " + uncapped.reason());

        // The runner was asked for 5 layers and llama.cpp offloaded 2; it has run long enough to be changed.
        PlacementProblem capped = problem.withCurrent(List.of(new CurrentInstance(uncapped.instance(),
                Instant.EPOCH)), Instant.EPOCH.plusSeconds(3600)).withLayerCaps(Map.of(
                        PlacementProblem.pairKey("pc-2", "a"), new LayerCap(2, "its last load offloaded 2 of 5")));
        Placement plan = optimiser.place(capped);
        PlannedInstance runner = plan.on("pc-2").get(0);
        assertEquals(2, runner.instance().gpuLayers(), runner.reason());
        assertEquals(PlannedInstance.Change.RELOADED, runner.change());
        assertTrue(runner.reason().contains("at most 2 GPU layers here: its last load offloaded 2 of 5"),
                runner.reason());
        Footprint f = problem.models().get(0).options().stream()
                .filter(o -> o.option().equals(runner.instance().option())).findFirst().orElseThrow();
        assertEquals(f.cpuBytes(2), runner.cpuBytes(), "the RAM of the layers left on the CPU counts");
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("at most 2 GPU layers")), plan.notes().toString());
    }

    @Test
    void aFittedStepOverheadLowersThePredictedSpeed() {
        PlannedInstance datasheet = optimiser.place(PlacementProblem.fresh(List.of(node("pc-3", true, "", 0)),
                List.of(model("a", 5000)), PlacementSettings.defaults())).on("pc-3").get(0);
        PlannedInstance fitted = optimiser.place(PlacementProblem.fresh(List.of(node("pc-3", true, "", 0.01)),
                List.of(model("a", 5000)), PlacementSettings.defaults())).on("pc-3").get(0);
        assertTrue(fitted.capacityTps() < datasheet.capacityTps() / 2, datasheet.capacityTps() + " vs "
                + fitted.capacityTps());
        // 10 ms a step bounds a runner at slots / 10 ms whatever it reads.
        int slots = fitted.instance().option().parallelSlots();
        assertTrue(fitted.capacityTps() < slots * 100, fitted.reason());
    }
}
