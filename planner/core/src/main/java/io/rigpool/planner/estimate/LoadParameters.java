package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import java.util.Set;

/**
 * How a runner loads a model: the llama.cpp settings that decide its memory. Defaults are llama.cpp's.
 *
 * @param gpuLayers n_gpu_layers: the last {@code gpuLayers} repeating layers go to the GPU, and the output layer
 *     too once it exceeds the layer count; 0 means a CPU-only runner (no GPU buffers, no CUDA context)
 * @param contextSize n_ctx, the KV cache of the whole runner, shared by its parallel slots
 * @param parallelSlots n_parallel (llama.cpp's n_seq_max)
 * @param cacheTypeK type of the K cache (f16 by default; q8_0, q4_0, ... need no flash attention)
 * @param cacheTypeV type of the V cache; anything but f16/f32/bf16 needs flash attention
 * @param batchSize n_batch (logical batch)
 * @param microBatchSize n_ubatch (physical batch, what one graph computes)
 * @param mmap whether weights are memory-mapped (llama.cpp's default) rather than read into allocated memory
 * @param expertLayersOnCpu llama-server's {@code --n-cpu-moe}: the routed experts of the first this many layers
 *     stay in RAM even where their layer is on the GPU; 0 keeps every offloaded layer whole (and is all b4916 can)
 */
public record LoadParameters(int gpuLayers, int contextSize, int parallelSlots, GgmlType cacheTypeK,
        GgmlType cacheTypeV, boolean flashAttention, int batchSize, int microBatchSize, boolean mmap,
        int expertLayersOnCpu) {

    public static final int DEFAULT_BATCH = 2048;
    public static final int DEFAULT_MICRO_BATCH = 512;
    /** GGML_KQ_MASK_PAD: llama.cpp raises n_batch to at least this. */
    private static final int MIN_BATCH = 64;
    private static final Set<GgmlType> CACHE_TYPES = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.IQ4_NL, GgmlType.Q5_0, GgmlType.Q5_1);
    private static final Set<GgmlType> UNQUANTIZED = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);

    public LoadParameters {
        require(gpuLayers >= 0, "gpuLayers", "must be >= 0, got " + gpuLayers);
        require(contextSize > 0, "contextSize", "must be > 0, got " + contextSize);
        require(parallelSlots > 0, "parallelSlots", "must be > 0, got " + parallelSlots);
        require(cacheTypeK != null && CACHE_TYPES.contains(cacheTypeK), "cacheTypeK",
                "must be one of " + CACHE_TYPES + ", got " + cacheTypeK);
        require(cacheTypeV != null && CACHE_TYPES.contains(cacheTypeV), "cacheTypeV",
                "must be one of " + CACHE_TYPES + ", got " + cacheTypeV);
        require(flashAttention || UNQUANTIZED.contains(cacheTypeV), "cacheTypeV",
                "a quantized V cache needs flash attention (llama.cpp refuses it otherwise)");
        require(batchSize > 0, "batchSize", "must be > 0, got " + batchSize);
        require(microBatchSize > 0, "microBatchSize", "must be > 0, got " + microBatchSize);
        require(expertLayersOnCpu >= 0, "expertLayersOnCpu", "must be >= 0, got " + expertLayersOnCpu);
    }

    /** Parameters that keep every offloaded layer whole (no experts held back in RAM). */
    public LoadParameters(int gpuLayers, int contextSize, int parallelSlots, GgmlType cacheTypeK, GgmlType cacheTypeV,
            boolean flashAttention, int batchSize, int microBatchSize, boolean mmap) {
        this(gpuLayers, contextSize, parallelSlots, cacheTypeK, cacheTypeV, flashAttention, batchSize, microBatchSize,
                mmap, 0);
    }

    /** llama.cpp's defaults for a context of {@code contextSize} tokens, CPU only. */
    public static LoadParameters defaults(int contextSize) {
        return new LoadParameters(0, contextSize, 1, GgmlType.F16, GgmlType.F16, false, DEFAULT_BATCH,
                DEFAULT_MICRO_BATCH, true);
    }

    public LoadParameters withGpuLayers(int n) {
        return new LoadParameters(n, contextSize, parallelSlots, cacheTypeK, cacheTypeV, flashAttention, batchSize,
                microBatchSize, mmap, expertLayersOnCpu);
    }

    public LoadParameters withContextSize(int n) {
        return new LoadParameters(gpuLayers, n, parallelSlots, cacheTypeK, cacheTypeV, flashAttention, batchSize,
                microBatchSize, mmap, expertLayersOnCpu);
    }

    public LoadParameters withParallelSlots(int n) {
        return new LoadParameters(gpuLayers, contextSize, n, cacheTypeK, cacheTypeV, flashAttention, batchSize,
                microBatchSize, mmap, expertLayersOnCpu);
    }

    public LoadParameters withCacheTypes(GgmlType k, GgmlType v) {
        return new LoadParameters(gpuLayers, contextSize, parallelSlots, k, v, flashAttention, batchSize,
                microBatchSize, mmap, expertLayersOnCpu);
    }

    public LoadParameters withFlashAttention(boolean on) {
        return new LoadParameters(gpuLayers, contextSize, parallelSlots, cacheTypeK, cacheTypeV, on, batchSize,
                microBatchSize, mmap, expertLayersOnCpu);
    }

    public LoadParameters withBatchSizes(int batch, int microBatch) {
        return new LoadParameters(gpuLayers, contextSize, parallelSlots, cacheTypeK, cacheTypeV, flashAttention,
                batch, microBatch, mmap, expertLayersOnCpu);
    }

    public LoadParameters withMmap(boolean on) {
        return new LoadParameters(gpuLayers, contextSize, parallelSlots, cacheTypeK, cacheTypeV, flashAttention,
                batchSize, microBatchSize, on, expertLayersOnCpu);
    }

    /** With llama-server's {@code --n-cpu-moe n}. */
    public LoadParameters withExpertLayersOnCpu(int n) {
        return new LoadParameters(gpuLayers, contextSize, parallelSlots, cacheTypeK, cacheTypeV, flashAttention,
                batchSize, microBatchSize, mmap, n);
    }

    /** Cells of the KV cache: n_ctx padded to 256 with flash attention, else to 32 (llama_kv_cache_get_padding). */
    public long kvCells() {
        int padding = flashAttention ? 256 : 32;
        return ((long) contextSize + padding - 1) / padding * padding;
    }

    /** The physical batch llama.cpp uses: n_ubatch, at most n_batch (itself raised to 64). */
    public long effectiveMicroBatch() {
        return Math.min(Math.max(batchSize, MIN_BATCH), microBatchSize);
    }

    /** Tokens of the worst-case graph llama.cpp reserves: min(n_ctx, n_ubatch). */
    public long graphTokens() {
        return Math.min(kvCells(), effectiveMicroBatch());
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }
}
