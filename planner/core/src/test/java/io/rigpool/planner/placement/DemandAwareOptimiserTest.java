package io.rigpool.planner.placement;

import static io.rigpool.planner.placement.SyntheticModels.GIB;
import static io.rigpool.planner.placement.SyntheticModels.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemandAwareOptimiserTest {

    private static final long[] FOUR_LAYERS = {500 * MIB, 500 * MIB, 500 * MIB, 500 * MIB};
    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    private static ModelSpec model(String id, double demand) {
        return SyntheticModels.model(id, demand, FOUR_LAYERS, 300 * MIB, 40 * MIB, 1, 2);
    }

    private static PlacementProblem problem(List<NodeSpec> nodes, List<ModelSpec> models) {
        return PlacementProblem.fresh(nodes, models, PlacementSettings.defaults());
    }

    @Test
    void aModelWithDemandRunsCpuOnlyWhenNoGpuCanHoldIt() {
        NodeSpec small = SyntheticModels.node("small-gpu", GIB / 4, 6 * GIB, 500, 50, "a");
        Placement plan = optimiser.place(problem(List.of(small), List.of(model("a", 20))));
        PlannedInstance only = plan.instances().get(0);
        assertEquals(0, only.instance().gpuLayers());
        assertTrue(only.reason().contains("CPU only"), only.reason());
        assertEquals(1, plan.models().get("a").replicas());
    }

    @Test
    void demandDecidesWhichModelGetsTheGpu() {
        NodeSpec node = SyntheticModels.node("pc", 3 * GIB, 12 * GIB, 800, 50, "hot", "cold");
        Placement plan = optimiser.place(problem(List.of(node), List.of(model("hot", 300), model("cold", 5))));
        PlannedInstance hot = plan.on("pc").stream().filter(i -> i.modelId().equals("hot")).findFirst()
                .orElseThrow();
        PlannedInstance cold = plan.on("pc").stream().filter(i -> i.modelId().equals("cold")).findFirst()
                .orElseThrow();
        assertTrue(hot.instance().gpuLayers() > cold.instance().gpuLayers(), plan.runners().toString());
        assertEquals(1, plan.models().get("cold").replicas(), "the cold model is still served");
    }

    @Test
    void aHotModelGetsReplicasAcrossNodes() {
        List<NodeSpec> nodes = List.of(SyntheticModels.node("a", 4 * GIB, 8 * GIB, 500, 50, "hot", "cold"),
                SyntheticModels.node("b", 4 * GIB, 8 * GIB, 500, 50, "hot", "cold"),
                SyntheticModels.node("c", 4 * GIB, 8 * GIB, 500, 50, "hot", "cold"));
        Placement plan = optimiser.place(problem(nodes, List.of(model("hot", 2000), model("cold", 10))));
        assertTrue(plan.models().get("hot").replicas() >= 2, plan.runners().toString());
        assertEquals(1, plan.models().get("cold").replicas(), plan.runners().toString());
    }

    @Test
    void aLoadedRunnerStaysWhereItIsRatherThanMoveToAnEqualNode() {
        List<NodeSpec> nodes = List.of(SyntheticModels.node("a", 4 * GIB, 8 * GIB, 500, 50, "m"),
                SyntheticModels.node("b", 4 * GIB, 8 * GIB, 500, 50, "m"));
        PlacementProblem fresh = problem(nodes, List.of(model("m", 30)));
        Placement first = optimiser.place(fresh);
        String chosen = first.instances().get(0).nodeId();
        String other = chosen.equals("a") ? "b" : "a";
        Instance elsewhere = new Instance(other, "m", first.instances().get(0).instance().option(),
                first.instances().get(0).instance().gpuLayers());
        Placement next = optimiser.place(fresh.withCurrent(List.of(new CurrentInstance(elsewhere, Instant.EPOCH)),
                Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(List.of(elsewhere), next.runners());
        assertEquals(PlannedInstance.Change.KEPT, next.instances().get(0).change());
        assertTrue(next.instances().get(0).reason().contains("kept"), next.instances().get(0).reason());
    }

    @Test
    void pinsAndMinimumReplicasAreHonouredAndAnImpossiblePinIsExplained() {
        List<NodeSpec> nodes = List.of(SyntheticModels.node("a", 4 * GIB, 8 * GIB, 900, 50, "m", "n"),
                SyntheticModels.node("b", 4 * GIB, 8 * GIB, 300, 50, "m"),
                SyntheticModels.node("c", 4 * GIB, 8 * GIB, 300, 50, "m"));
        ModelSpec m = new ModelSpec("m", model("m", 0).options(), 0, 2, 3 * GIB);
        PlacementProblem p = problem(nodes, List.of(m, model("n", 50)))
                .withPins(List.of(new Pin("m", "c"), new Pin("n", "b")));
        Placement plan = optimiser.place(p);
        assertEquals(2, plan.models().get("m").replicas());
        assertTrue(plan.runners().stream().anyMatch(i -> i.nodeId().equals("c") && i.modelId().equals("m")));
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("pin n → b not honoured")
                && n.contains("does not hold the file")), plan.notes().toString());
    }

    @Test
    void unavailableNodesAndFailedPairsGetNothing() {
        NodeSpec paused = new NodeSpec("paused", 8 * GIB, 16 * GIB, 900e9, 60e9, true, Set.of("m"),
                "owner paused serving", "");
        NodeSpec failed = SyntheticModels.node("failed", 8 * GIB, 16 * GIB, 900, 60, "m");
        NodeSpec ok = SyntheticModels.node("ok", 4 * GIB, 8 * GIB, 300, 40, "m");
        PlacementProblem p = problem(List.of(paused, failed, ok), List.of(model("m", 100)))
                .withExcluded(Set.of(PlacementProblem.pairKey("failed", "m")));
        Placement plan = optimiser.place(p);
        assertEquals(List.of("ok"), plan.runners().stream().map(Instance::nodeId).toList());
        List<String> notes = plan.models().get("m").notes();
        assertTrue(notes.contains("paused: owner paused serving"), notes.toString());
        assertTrue(notes.contains("failed: a load failed there recently"), notes.toString());
    }

    @Test
    void anIdleModelUsesSpareMemoryAndYieldsItToDemand() {
        NodeSpec node = SyntheticModels.node("pc", 3 * GIB, 6 * GIB, 800, 50, "idle", "busy");
        PlacementProblem quiet = problem(List.of(node), List.of(model("idle", 0), model("busy", 0)));
        Placement first = optimiser.place(quiet);
        assertEquals(2, first.instances().size(), "both idle models get a replica in spare memory");

        PlacementProblem demand = problem(List.of(node), List.of(model("idle", 0), model("busy", 400)))
                .withCurrent(PlacementPropertiesTest.running(first, Instant.EPOCH), Instant.parse("2026-01-01T00:00:00Z"));
        Placement next = optimiser.place(demand);
        PlannedInstance busy = next.on("pc").stream().filter(i -> i.modelId().equals("busy")).findFirst()
                .orElseThrow();
        assertEquals(busy.instance().gpuLayers(), 5, "the model with demand takes the whole GPU: " + next.runners());
    }

    @Test
    void everyRunnerExplainsItselfInNumbers() {
        NodeSpec node = new NodeSpec("pc", 2 * GIB, 8 * GIB, 500e9, 50e9, true, Set.of("m"), null,
                "2.5 GiB free − 0.5 GiB reserve");
        NodeSpec without = SyntheticModels.node("other", 4 * GIB, 8 * GIB, 500, 50);
        Placement plan = optimiser.place(problem(List.of(node, without), List.of(model("m", 100))));
        String reason = plan.instances().get(0).reason();
        assertTrue(reason.matches("needs \\d+ MiB VRAM and \\d+ MiB RAM .*"), reason);
        assertTrue(reason.contains("node has 2048 MiB VRAM free after reserve (2.5 GiB free − 0.5 GiB reserve)"),
                reason);
        assertTrue(reason.contains("tok/s with every slot busy"), reason);
        assertTrue(reason.contains("full offload would need"), reason);
        assertFalse(plan.models().get("m").notes().stream().anyMatch(n -> n.startsWith("other")),
                "a node without the file is no candidate worth listing");
    }
}
