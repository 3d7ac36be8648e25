package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The estimator under the 2026-09 build's rules against what that build's llama-server logged (CPU only, AVX2,
 * sparse real-shape files; bench/results/estimator.json, engine llama-server): weights and KV cache to llama.cpp's
 * 0.01 MiB, the modelled compute buffer within 1 % or 16 MiB.
 */
class SnapshotBuildMeasuredTest {

    private static final MemoryEstimator ESTIMATOR = new MemoryEstimator(
            EstimatorSettings.defaults().withBuild(LlamaBuild.SNAPSHOT_2026_09));

    /** A load and the MiB llama-server logged for it (model: CPU_Mapped + CPU_REPACK; kv: both caches). */
    record Measured(String shape, int layers, int context, int slots, boolean flashAttention, String model,
            String kv, String compute) {
    }

    static List<Measured> loads() {
        return List.of(
                new Measured("Qwen3-8B-Q4_K_M", 0, 4096, 1, true, "7986.44", "576.00", "108.01"),
                new Measured("Qwen3-8B-Q4_K_M", 0, 4096, 1, false, "7986.44", "576.00", "308.01"),
                new Measured("Qwen3-8B-Q4_K_M", 0, 8192, 4, true, "7986.44", "1152.00", "106.01"),
                new Measured("Qwen3-8B-Q4_K_M", 0, 32768, 1, true, "7986.44", "4608.00", "136.01"),
                new Measured("Qwen3-30B-A3B-Q4_K_M", 12, 4096, 1, true, "8088.16", "96.00", "92.01"),
                new Measured("Qwen3-30B-A3B-Q4_K_M", 12, 4096, 1, false, "8088.16", "96.00", "294.01"),
                new Measured("Qwen3-30B-A3B-Q4_K_M", 12, 8192, 4, true, "8088.16", "192.00", "90.01"),
                new Measured("Qwen3-30B-A3B-Q4_K_M", 12, 32768, 1, true, "8088.16", "768.00", "120.01"),
                new Measured("gemma-3-12b-it-Q4_K_M", 24, 4096, 1, true, "6322.91", "368.00", "126.02"),
                new Measured("gemma-3-12b-it-Q4_K_M", 24, 4096, 1, false, "6322.91", "368.00", "193.51"),
                new Measured("gemma-3-12b-it-Q4_K_M", 24, 8192, 4, true, "6322.91", "1216.00", "124.02"),
                new Measured("gemma-3-12b-it-Q4_K_M", 24, 32768, 1, true, "6322.91", "1264.00", "154.02"),
                new Measured("gpt-oss-20b-MXFP4", 8, 4096, 1, true, "7855.17", "38.00", "97.14"),
                new Measured("gpt-oss-20b-MXFP4", 8, 4096, 1, false, "7855.17", "38.00", "558.39"),
                new Measured("gpt-oss-20b-MXFP4", 8, 8192, 4, true, "7855.17", "88.00", "95.14"),
                new Measured("gpt-oss-20b-MXFP4", 8, 32768, 1, true, "7855.17", "262.00", "125.14"));
    }

    @ParameterizedTest
    @MethodSource("loads")
    void theEstimateIsWhatLlamaServerLogged(Measured m) {
        RealModelShape shape = RealModelShapes.byName(m.shape());
        ModelGeometry model = ShapeGeometries.of(m.layers() == 0 ? shape : shape.withBlockCount(m.layers()));
        LoadParameters p = LoadParameters.defaults(m.context()).withParallelSlots(m.slots())
                .withFlashAttention(m.flashAttention());
        MemoryEstimate e = ESTIMATOR.estimate(model, p);
        assertEquals(new BigDecimal(m.model()), logged(e, BufferKind.MODEL), "model buffers");
        assertEquals(new BigDecimal(m.kv()), logged(e, BufferKind.KV), "KV cache");
        double computeMiB = e.bufferBytes(Device.CPU, BufferKind.COMPUTE) / 1048576.0;
        double measured = Double.parseDouble(m.compute());
        assertTrue(Math.abs(computeMiB - measured) <= Math.max(16, 0.01 * measured),
                "compute " + computeMiB + " MiB, measured " + measured);
    }

    /** The buffers of a kind as llama.cpp prints them, each to 0.01 MiB, summed. */
    private static BigDecimal logged(MemoryEstimate e, BufferKind kind) {
        return e.buffers().stream().filter(b -> b.device() == Device.CPU && b.kind() == kind)
                .map(b -> BigDecimal.valueOf(b.bytes()).divide(BigDecimal.valueOf(1L << 20), 2, RoundingMode.HALF_EVEN))
                .reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }
}
