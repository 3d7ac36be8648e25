package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.gguf.GgmlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU compute buffer against the figure llama.cpp b4916 logged when loading the same shape on this CPU build
 * ("CPU compute buffer size = ... MiB"; measured with java-llama.cpp 4.2.0, see bench/results/estimator.json and the
 * notes in bench/README.md). llama.cpp prints two decimals, so that is the precision compared.
 */
class ComputeBufferExactnessTest {

    @ParameterizedTest(name = "{0} n_ctx {1} fa {2} ub {3} b {4}")
    @CsvSource({
        "Llama-3.1-8B-Instruct-Q4_K_M, 512, false, 512, 2048, 266.64",
        "Llama-3.1-8B-Instruct-Q4_K_M, 2048, false, 512, 2048, 267.02",
        "Llama-3.1-8B-Instruct-Q4_K_M, 4096, false, 512, 2048, 296.01",
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, false, 512, 2048, 560.01",
        "Llama-3.1-8B-Instruct-Q4_K_M, 32768, false, 512, 2048, 2144.01",
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, true, 512, 2048, 268.56",
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, false, 256, 2048, 280.00",
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, false, 1024, 1024, 1120.01",
        "Llama-3.2-1B-Instruct-Q8_0, 512, false, 512, 2048, 258.63",
        "Llama-3.2-1B-Instruct-Q8_0, 8192, false, 512, 2048, 544.01",
        "Llama-3.2-1B-Instruct-Q8_0, 8192, true, 512, 2048, 260.53",
        "Mistral-7B-Instruct-v0.3-Q4_K_M, 512, false, 512, 2048, 81.01",
        "Mistral-7B-Instruct-v0.3-Q4_K_M, 2048, false, 512, 2048, 164.01",
        "Mistral-7B-Instruct-v0.3-Q4_K_M, 8192, true, 512, 2048, 88.01",
        "Phi-3-mini-4k-instruct-Q4_K_M, 512, false, 512, 2048, 83.01",
        "Phi-3-mini-4k-instruct-Q4_K_M, 8192, false, 512, 2048, 564.01",
        "Phi-3-mini-4k-instruct-Q4_K_M, 8192, true, 512, 2048, 94.01",
        "Phi-3-mini-4k-instruct-Q4_K_M, 8192, false, 256, 2048, 282.00",
        "Qwen2.5-7B-Instruct-Q4_K_M, 512, false, 512, 2048, 311.14",
        "Qwen2.5-7B-Instruct-Q4_K_M, 4096, false, 512, 2048, 312.02",
        "Qwen2.5-7B-Instruct-Q4_K_M, 8192, true, 512, 2048, 313.06",
        "Qwen2.5-7B-Instruct-Q4_K_M, 8192, false, 256, 2048, 246.00",
        "Qwen2.5-14B-Instruct-Q4_K_M, 512, false, 512, 2048, 317.15",
        "Qwen2.5-14B-Instruct-Q4_K_M, 8192, false, 512, 2048, 696.01",
        "Qwen2.5-14B-Instruct-Q4_K_M, 8192, true, 512, 2048, 319.08",
        "gemma-2-9b-it-Q4_K_M, 512, false, 512, 2048, 514.25",
        "gemma-2-9b-it-Q4_K_M, 8192, false, 512, 2048, 518.00",
        "gemma-2-9b-it-Q4_K_M, 32768, false, 512, 2048, 1182.01",
        "gemma-2-9b-it-Q4_K_M, 8192, false, 256, 2048, 257.03",
        "gemma-2-27b-it-Q4_K_M, 512, false, 512, 2048, 518.25",
        "gemma-2-27b-it-Q4_K_M, 8192, false, 512, 2048, 578.01",
        "gemma-2-27b-it-Q4_K_M, 8192, true, 512, 2048, 522.00",
        "gemma-2-27b-it-Q4_K_M, 32768, false, 512, 2048, 2210.01",
        "gemma-2-27b-it-Q4_K_M, 8192, false, 256, 2048, 289.00",
    })
    void cpuComputeBufferIsWhatLlamaCppLogs(String shape, int ctx, boolean flash, int ubatch, int batch,
            String loggedMiB) {
        LoadParameters p = LoadParameters.defaults(ctx).withFlashAttention(flash).withBatchSizes(batch, ubatch);
        MemoryEstimate e = new MemoryEstimator().estimate(Fixtures.model(shape), p);
        assertEquals(loggedMiB, asLogged(e.bufferBytes(Device.CPU, BufferKind.COMPUTE)));
    }

    @ParameterizedTest(name = "{0} n_ctx {1} {2}/{3} fa {4}")
    @CsvSource({
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, F16, F16, false, 1024.00",
        "Llama-3.1-8B-Instruct-Q4_K_M, 8192, Q8_0, Q8_0, true, 544.00",
        "Llama-3.2-1B-Instruct-Q8_0, 4096, F16, F16, false, 128.00",
        "Phi-3-mini-4k-instruct-Q4_K_M, 8192, F16, F16, false, 3072.00",
        "gemma-2-9b-it-Q4_K_M, 32768, F16, F16, false, 10752.00",
        "Qwen2.5-7B-Instruct-Q4_K_M, 1000, F16, F16, false, 56.00",
    })
    void kvCacheIsWhatLlamaCppLogs(String shape, int ctx, GgmlType k, GgmlType v, boolean flash, String loggedMiB) {
        LoadParameters p = LoadParameters.defaults(ctx).withFlashAttention(flash).withCacheTypes(k, v);
        MemoryEstimate e = new MemoryEstimator().estimate(Fixtures.model(shape), p);
        assertEquals(loggedMiB, asLogged(e.bufferBytes(Device.CPU, BufferKind.KV)));
    }

    static String asLogged(long bytes) {
        return new BigDecimal(bytes).divide(BigDecimal.valueOf(1L << 20)).setScale(2, RoundingMode.HALF_EVEN)
                .toPlainString();
    }
}
