package io.rigpool.planner.estimate;

import io.rigpool.common.sizes.ByteSizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryEstimatorTest {

    private final MemoryEstimator estimator = new MemoryEstimator();

    static List<String> shapes() {
        return RealModelShapes.all().stream().map(s -> s.name()).toList();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void layerWeightsAddUpToTheFilesTensorBytes(String shape) {
        ModelGeometry m = Fixtures.model(shape);
        MemoryEstimate cpuOnly = estimator.estimate(m, LoadParameters.defaults(4096));
        long rope = m.weight("rope_freqs.weight").map(ModelGeometry.Weight::bytes).orElse(0L);
        boolean tied = !m.hasTensor("output.weight");
        // for a tied head outputWeights counts the embedding it duplicates, besides output_norm
        long head = cpuOnly.outputWeights() - (tied ? cpuOnly.inputWeights() : 0);
        assertEquals(m.weightBytes(), Arrays.stream(cpuOnly.layerWeights()).sum() + cpuOnly.inputWeights() + head
                + rope);
        assertEquals(m.weightBytes(), cpuOnly.cpu().weights());
        assertEquals(RealModelShapes.byName(shape).tensorBytes(), m.weightBytes());

        MemoryEstimate full = estimator.estimate(m, LoadParameters.defaults(4096).withGpuLayers(m.layers() + 1));
        long duplicate = tied ? cpuOnly.inputWeights() : 0;
        assertEquals(m.weightBytes() + duplicate, full.gpu().weights() + full.cpu().weights(),
                "a tied output head is loaded a second time onto the GPU");
        assertEquals(cpuOnly.inputWeights(), full.cpu().weights(), "the input embedding always stays on the CPU");
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void moreGpuLayersMoveWeightsAndCacheOffTheCpu(String shape) {
        ModelGeometry m = Fixtures.model(shape);
        LoadParameters base = LoadParameters.defaults(4096);
        MemoryEstimate previous = estimator.estimate(m, base);
        for (int n = 1; n <= m.layers() + 1; n++) {
            MemoryEstimate e = estimator.estimate(m, base.withGpuLayers(n));
            assertEquals(Math.min(n, m.layers()), e.layersOnGpu());
            assertEquals(n == m.layers() + 1, e.outputOnGpu(), "output head only on full offload");
            assertTrue(e.gpu().weights() > previous.gpu().weights(), "n=" + n);
            assertTrue(e.cpu().weights() <= previous.cpu().weights(), "n=" + n);
            assertTrue(e.gpu().kvCache() >= previous.gpu().kvCache(), "n=" + n);
            assertTrue(e.cpu().kvCache() <= previous.cpu().kvCache(), "n=" + n);
            assertEquals(Arrays.stream(e.layerKv()).sum(), e.gpu().kvCache() + e.cpu().kvCache());
            previous = e;
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void memoryGrowsWithTheContext(String shape) {
        ModelGeometry m = Fixtures.model(shape);
        for (int gpuLayers : new int[] {0, m.layers() / 2, m.layers() + 1}) {
            MemoryEstimate previous = null;
            for (int ctx = 256; ctx <= 65536; ctx *= 2) {
                MemoryEstimate e = estimator.estimate(m, LoadParameters.defaults(ctx).withGpuLayers(gpuLayers));
                if (previous != null) {
                    assertTrue(e.cpu().kvCache() + e.gpu().kvCache()
                            > previous.cpu().kvCache() + previous.gpu().kvCache(), "kv at " + ctx);
                    assertTrue(e.cpu().compute() >= previous.cpu().compute(), "cpu compute at " + ctx);
                    assertTrue(e.gpu().compute() >= previous.gpu().compute(), "gpu compute at " + ctx);
                    assertTrue(e.gpu().total() >= previous.gpu().total() && e.cpu().total() >= previous.cpu().total());
                }
                previous = e;
            }
        }
    }

    @Test
    void cpuOnlyModelBufferIsTheMappedRangeLlamaCppLogs() {
        assertEquals("4685.30", mappedMiB("Llama-3.1-8B-Instruct-Q4_K_M"));
        assertEquals("1252.41", mappedMiB("Llama-3.2-1B-Instruct-Q8_0"));
        assertEquals("5488.40", mappedMiB("gemma-2-9b-it-Q4_K_M"));
        assertEquals("15868.49", mappedMiB("gemma-2-27b-it-Q4_K_M"));
        assertEquals("4460.45", mappedMiB("Qwen2.5-7B-Instruct-Q4_K_M"));
        assertEquals("8566.04", mappedMiB("Qwen2.5-14B-Instruct-Q4_K_M"));
        assertEquals("4169.52", mappedMiB("Mistral-7B-Instruct-v0.3-Q4_K_M"));
    }

    @Test
    void outputBufferHoldsOneRowOfLogitsPerSlot() {
        ModelGeometry m = Fixtures.model("Qwen2.5-7B-Instruct-Q4_K_M");
        MemoryEstimate e = estimator.estimate(m, LoadParameters.defaults(8192).withParallelSlots(4));
        assertEquals(152064L * 4 * 4, e.cpu().output());
        assertEquals("2.32", ComputeBufferExactnessTest.asLogged(e.bufferBytes(Device.CPU, BufferKind.OUTPUT)));
    }

    @Test
    void gemma2_27bNeedsAbout19GbForFullOffloadAt4k() {
        ModelGeometry m = Fixtures.model("gemma-2-27b-it-Q4_K_M");
        MemoryEstimate full = estimator.estimate(m, LoadParameters.defaults(4096).withGpuLayers(47));
        assertTrue(full.gpu().total() > 18.5e9 && full.gpu().total() < 19.5e9, ByteSizes.gigabytes(full.gpu().total()));
        assertEquals(46L * 2 * 2048 * 4096 * 2, full.gpu().kvCache());
        assertFalse(full.exact(), "GPU compute buffers are modelled, not replayed");
    }

    @Test
    void measuredBuffersReplaceTheEstimate() {
        ModelGeometry m = Fixtures.model("Llama-3.2-1B-Instruct-Q8_0");
        LoadParameters p = LoadParameters.defaults(4096);
        MemoryEstimate e = estimator.estimate(m, p);
        MeasuredBuffers measured = new MeasuredBuffers(new MeasuredBuffers.Key("llama-3.2-1b-instruct-q8_0", p),
                List.of(new Buffer("CPU", Device.CPU, BufferKind.COMPUTE, 300L << 20)), "4916 (c6af2161)",
                Instant.EPOCH);
        MemoryEstimate replaced = e.withMeasured(measured);
        assertEquals(MemoryEstimate.Source.MEASURED, replaced.source());
        assertEquals(300L << 20, replaced.cpu().compute());
        assertEquals(e.cpu().kvCache(), replaced.cpu().kvCache(), "unmeasured kinds keep the estimate");
        assertEquals(e.cpu().total() - e.cpu().compute() + (300L << 20), replaced.cpu().total());
        assertEquals(Device.GPU, MeasuredBuffers.deviceOf("CUDA0"));
        assertEquals(Device.CPU, MeasuredBuffers.deviceOf("CUDA_Host"));
        assertEquals(Device.CPU, MeasuredBuffers.deviceOf("CPU_Mapped"));
    }

    @Test
    void parametersLlamaCppRefusesAreRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadParameters.defaults(4096).withCacheTypes(GgmlType.F16, GgmlType.Q8_0));
        assertTrue(e.getMessage().startsWith("cacheTypeV:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadParameters.defaults(0));
        assertTrue(e.getMessage().startsWith("contextSize:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoadParameters.defaults(4096).withCacheTypes(GgmlType.Q4_K, GgmlType.F16));
        assertTrue(e.getMessage().startsWith("cacheTypeK:"), e.getMessage());
    }

    @Test
    void contextIsPaddedAsLlamaCppPadsIt() {
        assertEquals(1024, LoadParameters.defaults(1000).kvCells());
        assertEquals(1024, LoadParameters.defaults(1000).withFlashAttention(true).kvCells());
        assertEquals(256, LoadParameters.defaults(100).withFlashAttention(true).kvCells());
        assertEquals(128, LoadParameters.defaults(100).graphTokens());
        assertEquals(256, LoadParameters.defaults(8192).withBatchSizes(256, 512).graphTokens());
    }

    private String mappedMiB(String shape) {
        MemoryEstimate e = estimator.estimate(Fixtures.model(shape), LoadParameters.defaults(2048));
        return ComputeBufferExactnessTest.asLogged(e.bufferBytes(Device.CPU, BufferKind.MODEL));
    }
}
