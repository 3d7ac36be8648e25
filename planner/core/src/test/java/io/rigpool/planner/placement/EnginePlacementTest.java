package io.rigpool.planner.placement;

import static io.rigpool.planner.placement.SyntheticModels.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.Fixtures;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.ModelGeometry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A model goes only where an engine loads its architecture; java-llama is preferred where it does and no expert
 * has to stay in RAM; a mixture-of-experts model on llama-server gets both numbers, layers and experts in RAM.
 */
class EnginePlacementTest {

    private static final SlotLayout ONE_SLOT = new SlotLayout(1, 4096);
    private static final EngineEstimators ESTIMATORS = EngineEstimators.of(EstimatorSettings.defaults());
    /** What the 2026-09 snapshot loads, as far as these tests need it. */
    private static final Set<String> SNAPSHOT_ARCHITECTURES = Set.of("llama", "qwen2", "qwen3", "qwen3moe",
            "gpt-oss", "gemma3", "qwen2moe");

    private final DemandAwareOptimiser optimiser = new DemandAwareOptimiser();

    private static ModelSpec model(String shape, String id, double demand) {
        ModelGeometry g = Fixtures.model(shape);
        List<List<Footprint>> ladders = new ArrayList<>();
        for (OffloadStep[] ladder : EngineLadders.of(g.architecture(), g.layers(), g.mixtureOfExperts())) {
            ladders.add(List.of(Footprints.estimated(ESTIMATORS, g, id, ONE_SLOT, LoadParameters.defaults(4096),
                    Footprints.Measurements.NONE, ladder)));
        }
        return new ModelSpec(id, ladders.get(0), demand, 0, g.weightBytes(), g.architecture(),
                ladders.subList(1, ladders.size()));
    }

    private static NodeSpec node(String id, long vram, boolean llamaServer, String... models) {
        return node(id, vram, true, llamaServer, models);
    }

    private static NodeSpec node(String id, long vram, boolean javaLlamaGpu, boolean llamaServer, String... models) {
        List<NodeEngine> engines = new ArrayList<>(List.of(NodeEngine.javaLlamaB4916(javaLlamaGpu)));
        if (llamaServer) {
            engines.add(new NodeEngine(EngineKind.LLAMA_SERVER, "2026-09-28 (de3ff81)", SNAPSHOT_ARCHITECTURES,
                    true, ""));
        }
        return new NodeSpec(id, vram, 48 * GIB, 272e9, 50e9, true, Set.of(models), null, "", "", 0, engines);
    }

    @Test
    void aModelGoesOnlyWhereAnEngineLoadsItsArchitectureAndTheOthersSayWhy() {
        NodeSpec old = node("old-pc", 24 * GIB, false, "gpt-oss");
        NodeSpec current = node("new-pc", 8 * GIB, true, "gpt-oss");
        Placement plan = optimiser.place(PlacementProblem.fresh(List.of(old, current),
                List.of(model("gpt-oss-20b-MXFP4", "gpt-oss", 30)), PlacementSettings.defaults()));
        assertTrue(plan.on("old-pc").isEmpty(), "b4916 cannot load gpt-oss, however large the card");
        assertEquals(EngineKind.LLAMA_SERVER, plan.on("new-pc").get(0).instance().engine());
        assertTrue(plan.models().get("gpt-oss").notes().contains(
                "old-pc: needs gpt-oss: node old-pc's engines are b4916 only"), plan.models().get("gpt-oss").notes()
                .toString());
    }

    @Test
    void onAnEightGigabyteCardGptOssKeepsEveryLayerOnTheGpuAndSomeExpertsInRam() {
        NodeSpec pc = node("pc-1", 8 * GIB - (512L << 20), true, "gpt-oss");
        Placement plan = optimiser.place(PlacementProblem.fresh(List.of(pc),
                List.of(model("gpt-oss-20b-MXFP4", "gpt-oss", 30)), PlacementSettings.defaults()));
        PlannedInstance runner = plan.on("pc-1").get(0);
        Instance i = runner.instance();
        assertEquals(25, i.gpuLayers(), runner.reason());
        assertTrue(i.expertLayersOnCpu() > 0 && i.expertLayersOnCpu() < 24, runner.reason());
        assertTrue(runner.gpuBytes() <= pc.vramBudget());
        assertTrue(runner.reason().contains("all 24 layers and the output on the GPU, the experts of "
                + i.expertLayersOnCpu() + " of them in RAM"), runner.reason());
        assertTrue(runner.reason().contains("runs on llama-server 2026-09-28 (de3ff81)"), runner.reason());

        // One gigabyte less VRAM: the experts of more layers go to RAM, the layers stay.
        Placement smaller = optimiser.place(PlacementProblem.fresh(List.of(new NodeSpec("pc-1",
                pc.vramBudget() - GIB, pc.ramBudget(), 272e9, 50e9, true, pc.models(), null, "", "", 0,
                pc.engines())), List.of(model("gpt-oss-20b-MXFP4", "gpt-oss", 30)), PlacementSettings.defaults()));
        Instance fewer = smaller.on("pc-1").get(0).instance();
        assertEquals(25, fewer.gpuLayers());
        assertTrue(fewer.expertLayersOnCpu() > i.expertLayersOnCpu(), fewer + " vs " + i);
    }

    @Test
    void javaLlamaIsPreferredWhereItLoadsTheModelSoOneNodeServesOneModelOnEachEngine() {
        NodeSpec mixed = node("mixed", 24 * GIB, true, "qwen2.5", "qwen3moe");
        Placement plan = optimiser.place(PlacementProblem.fresh(List.of(mixed),
                List.of(model("Qwen2.5-7B-Instruct-Q4_K_M", "qwen2.5", 20),
                        model("Qwen3-30B-A3B-Q4_K_M", "qwen3moe", 20)), PlacementSettings.defaults()));
        assertEquals(EngineKind.JAVA_LLAMA, engineOf(plan, "qwen2.5"));
        assertEquals(EngineKind.LLAMA_SERVER, engineOf(plan, "qwen3moe"));
        assertEquals(0, plan.on("mixed").stream().filter(p -> p.modelId().equals("qwen2.5")).findFirst()
                .orElseThrow().instance().expertLayersOnCpu());
    }

    @Test
    void aDenseModelOfANewArchitectureRunsWholeLayersOnLlamaServer() {
        NodeSpec pc = node("pc", 4 * GIB, true, "qwen3");
        PlannedInstance runner = optimiser.place(PlacementProblem.fresh(List.of(pc),
                List.of(model("Qwen3-8B-Q4_K_M", "qwen3", 20)), PlacementSettings.defaults())).on("pc").get(0);
        assertEquals(EngineKind.LLAMA_SERVER, runner.instance().engine());
        assertEquals(0, runner.instance().expertLayersOnCpu());
        assertTrue(runner.instance().gpuLayers() > 0 && runner.instance().gpuLayers() < 36, runner.reason());
    }

    @Test
    void aRunnerWithExpertsInRamIsKeptAsItRunsAndAnUnknownOneIsRefused() {
        NodeSpec pc = node("pc-1", 8 * GIB - (512L << 20), true, "gpt-oss");
        PlacementProblem problem = PlacementProblem.fresh(List.of(pc),
                List.of(model("gpt-oss-20b-MXFP4", "gpt-oss", 30)), PlacementSettings.defaults());
        Instance first = optimiser.place(problem).on("pc-1").get(0).instance();
        Placement again = optimiser.place(problem.withCurrent(List.of(new CurrentInstance(first, Instant.EPOCH)),
                Instant.EPOCH.plusSeconds(3600)));
        assertEquals(PlannedInstance.Change.KEPT, again.on("pc-1").get(0).change());
        assertEquals(first, again.on("pc-1").get(0).instance());

        Instance offLadder = new Instance("pc-1", "gpt-oss", ONE_SLOT, 25, 3, EngineKind.JAVA_LLAMA);
        Instance rungOnLadder = new Instance("pc-1", "gpt-oss", ONE_SLOT, first.gpuLayers(), first.expertLayersOnCpu(),
                EngineKind.LLAMA_SERVER);
        assertEquals(1, PlanJudge.judge(problem, List.of(rungOnLadder)).instances().size());
        assertThrows(IllegalArgumentException.class, () -> PlanJudge.judge(problem,
                List.of(new Instance("pc-1", "gpt-oss", ONE_SLOT, 10, 5, EngineKind.LLAMA_SERVER))),
                "10 GPU layers with the experts of 5 in RAM is no rung of the ladder");
        assertTrue(offLadder.engine() == EngineKind.JAVA_LLAMA);
    }

    @Test
    void whereJavaLlamaHasNoGpuBackendButLlamaServerHasTheModelRunsOnLlamaServer() {
        NodeSpec pc = node("pc", 16 * GIB, false, true, "qwen2.5");
        PlannedInstance runner = optimiser.place(PlacementProblem.fresh(List.of(pc),
                List.of(model("Qwen2.5-7B-Instruct-Q4_K_M", "qwen2.5", 20)), PlacementSettings.defaults()))
                .on("pc").get(0);
        assertEquals(EngineKind.LLAMA_SERVER, runner.instance().engine(), runner.reason());
        assertEquals(29, runner.instance().gpuLayers(), runner.reason());
        NodeSpec javaOnly = node("old", 16 * GIB, false, false, "qwen2.5");
        PlannedInstance cpu = optimiser.place(PlacementProblem.fresh(List.of(javaOnly),
                List.of(model("Qwen2.5-7B-Instruct-Q4_K_M", "qwen2.5", 20)), PlacementSettings.defaults()))
                .on("old").get(0);
        assertEquals(EngineKind.JAVA_LLAMA, cpu.instance().engine());
        assertEquals(0, cpu.instance().gpuLayers(), "java-llama proved no GPU: " + cpu.reason());
        assertTrue(cpu.reason().contains("node old runs qwen2.5 on the CPU only: java-llama b4916 proved no GPU "
                + "backend there"), cpu.reason());
    }

    @Test
    void theLaddersFollowTheB4916List() {
        assertTrue(EngineArchitectures.javaLlamaB4916().contains("qwen2moe"));
        List<OffloadStep[]> qwen2moe = EngineLadders.of("qwen2moe", 24, true);
        assertEquals(3, qwen2moe.size());
        assertEquals(EngineKind.LLAMA_SERVER, qwen2moe.get(0)[10].engine());
        assertEquals(EngineKind.JAVA_LLAMA, qwen2moe.get(0)[49].engine(),
                "the top rung splits nothing, so java-llama runs it");
        assertEquals(new OffloadStep(25, 0, EngineKind.JAVA_LLAMA), qwen2moe.get(0)[49]);
        assertEquals(new OffloadStep(25, 23, EngineKind.LLAMA_SERVER), qwen2moe.get(0)[26]);
        assertEquals(new OffloadStep(25, 0, EngineKind.LLAMA_SERVER), qwen2moe.get(1)[49]);
        assertEquals(EngineKind.JAVA_LLAMA, qwen2moe.get(2)[10].engine(), "whole layers where b4916 runs alone");
        assertEquals(26, qwen2moe.get(2).length);
        List<OffloadStep[]> gptOss = EngineLadders.of("gpt-oss", 24, true);
        assertEquals(1, gptOss.size());
        assertEquals(EngineKind.LLAMA_SERVER, gptOss.get(0)[0].engine());
        assertEquals(EngineKind.JAVA_LLAMA, EngineLadders.of("", 4, false).get(0)[2].engine(),
                "a model of unknown architecture is java-llama's, as before engines");
    }

    private static EngineKind engineOf(Placement plan, String model) {
        return plan.instances().stream().filter(p -> p.modelId().equals(model)).findFirst().orElseThrow().instance()
                .engine();
    }
}
