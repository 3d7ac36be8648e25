package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Mixture-of-experts models: experts apart from the rest of each layer, --n-cpu-moe, and what a token reads. */
class MixtureOfExpertsEstimateTest {

    private static final double GB = 1e9;
    private final MemoryEstimator estimator = new MemoryEstimator(
            EstimatorSettings.defaults().withBuild(LlamaBuild.SNAPSHOT_2026_09));

    @Test
    void theGeometryKnowsTheExpertsFromTheFile() {
        ModelGeometry gptOss = Fixtures.model("gpt-oss-20b-MXFP4");
        assertEquals(32, gptOss.expertCount());
        assertEquals(4, gptOss.expertUsedCount());
        assertTrue(gptOss.mixtureOfExperts());
        ModelGeometry qwen = Fixtures.model("Qwen3-30B-A3B-Q4_K_M");
        assertEquals(128, qwen.expertCount());
        assertEquals(8, qwen.expertUsedCount());
        ModelGeometry dense = Fixtures.model("Qwen3-8B-Q4_K_M");
        assertEquals(0, dense.expertCount());
        assertFalse(dense.mixtureOfExperts());
        assertEquals(1.0, dense.expertReadShare());

        assertTrue(ModelGeometry.isExpertTensor("blk.7.ffn_down_exps.weight"));
        assertTrue(ModelGeometry.isExpertTensor("blk.7.ffn_gate_exps.bias"));
        assertTrue(ModelGeometry.isExpertTensor("blk.12.ffn_gate_up_exps.weight"));
        assertFalse(ModelGeometry.isExpertTensor("blk.7.ffn_gate_inp.weight"), "the router is read by every token");
        assertFalse(ModelGeometry.isExpertTensor("blk.7.ffn_up_shexp.weight"), "a shared expert is too");
        assertFalse(ModelGeometry.isExpertTensor("blk.7.ffn_down.weight"));
    }

    @Test
    void gptOss20bWeighsAbout12GbOfWhichTheExpertsAreMost() {
        ModelGeometry m = Fixtures.model("gpt-oss-20b-MXFP4");
        assertTrue(m.weightBytes() > 12.0 * GB && m.weightBytes() < 12.2 * GB, m.weightBytes() / GB + " GB");
        MemoryEstimate full = estimator.estimate(m, LoadParameters.defaults(4096).withGpuLayers(m.layers() + 1));
        // 24 layers × 3 expert tensors of 2880 × 2880 × 32 MXFP4 weights, and their biases
        long expertWeights = 24L * 3 * 2880 * 2880 * 32 / 32 * 17;
        long expertBiases = 24L * (2880 * 32 * 3) * 4;
        assertEquals(expertWeights + expertBiases, full.experts().gpuBytes());
        assertEquals(0, full.experts().cpuBytes());
        assertEquals(4.0 / 32, full.experts().readShare());
    }

    @Test
    void expertsOfTheFirstLayersMoveToRamAndNothingElseDoes() {
        ModelGeometry m = Fixtures.model("gpt-oss-20b-MXFP4");
        LoadParameters full = LoadParameters.defaults(4096).withGpuLayers(m.layers() + 1);
        MemoryEstimate whole = estimator.estimate(m, full);
        long perLayerExperts = whole.experts().gpuBytes() / m.layers();
        for (int held : new int[] {1, 10, m.layers()}) {
            MemoryEstimate split = estimator.estimate(m, full.withExpertLayersOnCpu(held));
            assertEquals(held * perLayerExperts, split.experts().cpuBytes(), "n_cpu_moe " + held);
            assertEquals(whole.gpu().weights() - held * perLayerExperts, split.gpu().weights());
            assertEquals(whole.cpu().weights() + held * perLayerExperts, split.cpu().weights());
            assertEquals(whole.gpu().kvCache(), split.gpu().kvCache(), "the KV cache stays with the layer");
            assertEquals(held, split.experts().gpuLayersWithExpertsOnCpu());
            assertTrue(split.gpu().compute() > whole.gpu().compute(),
                    "prompt batches copy RAM experts into the GPU's compute buffer");
        }
        // The attention, norms and routers of all 24 layers and the output head (Q8_0): about 1.3 GB of the 12.
        MemoryEstimate attentionOnly = estimator.estimate(m, full.withExpertLayersOnCpu(m.layers()));
        assertTrue(attentionOnly.gpu().weights() < 1.35 * GB, attentionOnly.gpu().weights() / GB + " GB");
        // --n-cpu-moe names layers from the first: below the GPU layers it changes nothing.
        LoadParameters half = full.withGpuLayers(12);
        assertEquals(estimator.estimate(m, half).gpu(), estimator.estimate(m, half.withExpertLayersOnCpu(12)).gpu());
    }

    @Test
    void aTokenReadsOnlyTheExpertsItIsRoutedThrough() {
        ModelGeometry m = Fixtures.model("Qwen3-30B-A3B-Q4_K_M");
        LoadParameters p = LoadParameters.defaults(4096);
        MemoryEstimate cpuOnly = estimator.estimate(m, p);
        DecodeSpeedModel.TokenReads reads = DecodeSpeedModel.reads(cpuOnly, m);
        // "A3B": about 3.3 billion of the 30.5 billion weights are active, about 1.9 GB at Q4_K_M (plus the cache).
        long active = reads.cpuBytes() - cpuOnly.cpu().kvCache();
        assertTrue(active > 1.7 * GB && active < 2.1 * GB, active / GB + " GB");

        MemoryEstimate allOnGpuExpertsInRam = estimator.estimate(m, p.withGpuLayers(m.layers() + 1)
                .withExpertLayersOnCpu(m.layers()));
        DecodeSpeedModel.TokenReads split = DecodeSpeedModel.reads(allOnGpuExpertsInRam, m);
        assertEquals(Math.round(allOnGpuExpertsInRam.experts().cpuBytes() * 8.0 / 128), split.cpuBytes(), 1);
    }

    @Test
    void keepingExpertsInRamBeatsWholeLayersOnTheSameCard() {
        ModelGeometry m = Fixtures.model("gpt-oss-20b-MXFP4");
        OffloadFit fit = new OffloadFit(estimator);
        LoadParameters p = LoadParameters.defaults(4096).withFlashAttention(true);
        long card = 8L << 30;
        long reserve = 512L << 20;
        OffloadFit.Choice wholeLayers = fit.largestGpuLayers(m, p, card, reserve);
        MemoryEstimate split = estimator.estimate(m, p.withGpuLayers(m.layers() + 1).withExpertLayersOnCpu(13));
        assertTrue(split.gpu().total() <= card - reserve, split.gpu().total() / GB + " GB");
        double gpuBandwidth = 272e9;
        double cpuBandwidth = 50e9;
        double wholeSpeed = 1 / DecodeSpeedModel.secondsPerToken(wholeLayers.estimate(), m, gpuBandwidth, cpuBandwidth);
        double splitSpeed = 1 / DecodeSpeedModel.secondsPerToken(split, m, gpuBandwidth, cpuBandwidth);
        assertTrue(splitSpeed > 1.5 * wholeSpeed, splitSpeed + " vs " + wholeSpeed + " tok/s ("
                + wholeLayers.value() + " whole layers)");
    }

    @Test
    void theCurrentBuildKeepsOnlyAWindowOfGemma3sSlidingLayers() {
        ModelGeometry m = Fixtures.model("gemma-3-12b-it-Q4_K_M");
        LoadParameters p = LoadParameters.defaults(32768).withFlashAttention(true);
        long perCell = 8 * 256 * 2 * 2;
        MemoryEstimate b4916 = new MemoryEstimator().estimate(m, p);
        assertEquals(48L * 32768 * perCell, b4916.cpu().kvCache(), "b4916: every layer at the full context");
        MemoryEstimate current = estimator.estimate(m, p);
        // 8 global layers at 32768 cells, 40 sliding ones at pad(1024 + 512, 256) = 1536
        assertEquals((8L * 32768 + 40L * 1536) * perCell, current.cpu().kvCache());
    }

    @Test
    void theCurrentBuildGivesEachSlotItsOwnPaddedStream() {
        ModelGeometry m = Fixtures.model("Qwen3-8B-Q4_K_M");
        long perCell = 8 * 128 * 2 * 2 * 36;
        LoadParameters threeSlots = LoadParameters.defaults(3000).withParallelSlots(3);
        // 3000 → 3072, / 3 = 1024 per slot: already a multiple of 256
        assertEquals(3072 * perCell, estimator.estimate(m, threeSlots).cpu().kvCache());
        // 4100 → 4352, / 3 = 1450 → 1536 per slot
        assertEquals(3 * 1536 * perCell, estimator.estimate(m, threeSlots.withContextSize(4100)).cpu().kvCache());
        assertEquals(4128 * perCell, new MemoryEstimator().estimate(m, threeSlots.withContextSize(4100)).cpu()
                .kvCache(), "b4916 pads the one cache to 32");
    }
}
