package io.rigpool.planner.estimate;

import io.rigpool.common.sizes.ByteSizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import org.junit.jupiter.api.Test;

class WhatIfTest {

    private static final long GIB = 1L << 30;
    private final WhatIf whatIf = new WhatIf(new MemoryEstimator());
    private final ModelGeometry gemma27b = Fixtures.model("gemma-2-27b-it-Q4_K_M");

    @Test
    void gemma2_27bNeeds19GbWhichOnly24GbCardsHold() {
        GpuSpec card = RtxCards.byName("RTX 4060").orElseThrow();
        WhatIf.Answer a = whatIf.ask(gemma27b, question(card.vramBytes(), card.bandwidthBytesPerSecond()));

        assertTrue(a.fullOffloadGpuBytes() > 18.5e9 && a.fullOffloadGpuBytes() < 19.5e9,
                ByteSizes.gigabytes(a.fullOffloadGpuBytes()));
        assertFalse(a.fitsFully());
        assertFalse(a.cardsHoldingFully().isEmpty());
        assertTrue(a.cardsHoldingFully().stream().allMatch(c -> c.vramBytes() >= 24 * GIB), a.cardsHoldingFully()
                .toString());
        assertTrue(a.cardsHoldingFully().stream().anyMatch(c -> c.name().equals("GeForce RTX 4090")));
        assertTrue(a.shareOfLayers() > 0.2 && a.shareOfLayers() < 0.6, "share " + a.shareOfLayers());
        assertTrue(a.chosen().gpu().total() <= card.vramBytes() - (512L << 20));
        assertTrue(a.speedUp() > 1, "speed-up " + a.speedUp());
    }

    @Test
    void aCardThatHoldsTheModelTakesEveryLayerAndTheHead() {
        GpuSpec card = RtxCards.byName("RTX 4090").orElseThrow();
        WhatIf.Answer a = whatIf.ask(gemma27b, question(card.vramBytes(), card.bandwidthBytesPerSecond()));
        assertTrue(a.fitsFully());
        assertEquals(gemma27b.layers() + 1, a.gpuLayers());
        assertEquals(1.0, a.shareOfLayers());
        assertTrue(a.speedUp() > 10, "bandwidth 1008 vs 50 GB/s: " + a.speedUp());
    }

    @Test
    void noVramMeansCpuOnlyAndNoSpeedUp() {
        WhatIf.Answer a = whatIf.ask(gemma27b, question(0, 300e9));
        assertEquals(0, a.gpuLayers());
        assertEquals(0.0, a.shareOfLayers());
        assertEquals(1.0, a.speedUp(), 1e-9);
    }

    @Test
    void decodeReadsEveryUsedWeightOnceAndTheSlotsCache() {
        ModelGeometry m = Fixtures.model("Llama-3.1-8B-Instruct-Q4_K_M");
        MemoryEstimator estimator = new MemoryEstimator();
        MemoryEstimate cpuOnly = estimator.estimate(m, LoadParameters.defaults(4096));
        DecodeSpeedModel.TokenReads reads = DecodeSpeedModel.reads(cpuOnly, m);
        assertEquals(0, reads.gpuBytes());
        assertEquals(m.weightBytes() - cpuOnly.inputWeights() + cpuOnly.cpu().kvCache(), reads.cpuBytes());
        MemoryEstimate full = estimator.estimate(m, LoadParameters.defaults(4096).withGpuLayers(33));
        DecodeSpeedModel.TokenReads fullReads = DecodeSpeedModel.reads(full, m);
        assertEquals(0, fullReads.cpuBytes());
        assertEquals(reads.cpuBytes(), fullReads.gpuBytes());
        assertEquals(fullReads.gpuBytes() / 1e12, DecodeSpeedModel.secondsPerToken(full, m, 1e12, 1e9), 1e-12);
    }

    @Test
    void gptOssOnAnEightGigabyteCardKeepsEveryLayerOnTheGpuAndSomeExpertsInRam() {
        ModelGeometry gptOss = Fixtures.model("gpt-oss-20b-MXFP4");
        WhatIf llamaServer = new WhatIf(new MemoryEstimator(
                EstimatorSettings.defaults().withBuild(LlamaBuild.SNAPSHOT_2026_09)));
        GpuSpec card = RtxCards.byName("RTX 4060").orElseThrow();
        WhatIf.Question q = question(card.vramBytes(), card.bandwidthBytesPerSecond())
                .keepingExpertsInRam(true);
        WhatIf.Answer a = llamaServer.ask(gptOss, q);
        assertEquals(25, a.gpuLayers(), "every layer and the output head");
        assertTrue(a.expertLayersInRam() > 0 && a.expertLayersInRam() < 24, "experts in RAM: "
                + a.expertLayersInRam());
        assertTrue(a.chosen().gpu().total() <= card.vramBytes() - (512L << 20));
        String line = a.summary(card.vramBytes());
        assertTrue(line.startsWith("gpt-oss-20b-MXFP4 on an 8 GB card: 24 layers on the GPU, the experts of "
                + a.expertLayersInRam() + " of them in RAM: "), line);
        assertTrue(line.matches(".*: \\d+\\.\\d GB VRAM, \\d+\\.\\d GB RAM, ×\\d+\\.\\d over CPU alone"), line);

        WhatIf.Answer wholeLayers = llamaServer.ask(gptOss, q.keepingExpertsInRam(false));
        assertEquals(0, wholeLayers.expertLayersInRam());
        assertTrue(wholeLayers.gpuLayers() < 24, "whole layers: " + wholeLayers.gpuLayers());
        assertTrue(a.speedUp() > 1.5 * wholeLayers.speedUp(), a.speedUp() + " vs " + wholeLayers.speedUp());
    }

    private static WhatIf.Question question(long vram, double gpuBandwidth) {
        return new WhatIf.Question(vram, 512L << 20, gpuBandwidth, 50e9, LoadParameters.defaults(4096));
    }
}
