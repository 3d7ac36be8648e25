package io.rigpool.planner.estimate;

/**
 * What the estimate cannot read from the model: the runtime around llama.cpp.
 *
 * @param gpuRuntimeBytes per-process GPU memory outside llama.cpp's buffers: the CUDA context, cuBLAS workspace
 *     and kernels (typically 250-500 MiB, depending on driver and card)
 * @param cpuRuntimeBytes per-process RAM outside llama.cpp's buffers (the runner JVM and native libraries)
 * @param cpuRepacksQ4_0 whether the runner's CPU repacks weights (AVX2 x86 and ARM dotprod do): Q4_0 in b4916,
 *     Q4_0, Q4_K, IQ4_NL and MXFP4 in the 2026-09 build ({@link LlamaBuild})
 * @param gpuAlignment buffer alignment of the GPU backend (CUDA: 128)
 * @param gpuBufferName the GPU's buffer-type name in llama.cpp's log, "CUDA0" for the first CUDA device
 * @param build the llama.cpp build whose rules apply (the engine's)
 */
public record EstimatorSettings(long gpuRuntimeBytes, long cpuRuntimeBytes, boolean cpuRepacksQ4_0,
        long gpuAlignment, String gpuBufferName, LlamaBuild build) {

    /** ggml's CPU buffer alignment (TENSOR_ALIGNMENT of b4916). */
    public static final long CPU_ALIGNMENT = 32;
    private static final long MIB = 1L << 20;

    public EstimatorSettings {
        if (gpuRuntimeBytes < 0 || cpuRuntimeBytes < 0) {
            throw new IllegalArgumentException("runtime overheads must be >= 0");
        }
        if (gpuAlignment <= 0 || Long.bitCount(gpuAlignment) != 1) {
            throw new IllegalArgumentException("gpuAlignment must be a power of two, got " + gpuAlignment);
        }
        if (build == null) {
            throw new IllegalArgumentException("build must be given");
        }
    }

    /** 384 MiB of CUDA context, 256 MiB for the runner process, CUDA alignment, Q4_0 repacking on, b4916. */
    public static EstimatorSettings defaults() {
        return new EstimatorSettings(384 * MIB, 256 * MIB, true, 128, "CUDA0", LlamaBuild.B4916);
    }

    public EstimatorSettings withGpuRuntimeBytes(long bytes) {
        return new EstimatorSettings(bytes, cpuRuntimeBytes, cpuRepacksQ4_0, gpuAlignment, gpuBufferName, build);
    }

    public EstimatorSettings withCpuRuntimeBytes(long bytes) {
        return new EstimatorSettings(gpuRuntimeBytes, bytes, cpuRepacksQ4_0, gpuAlignment, gpuBufferName, build);
    }

    /**
     * The same runtime under another build's rules. Q4_0 repacking stays as the settings say: whether a CPU
     * repacks is the CPU's and the build's, measured rather than assumed.
     */
    public EstimatorSettings withBuild(LlamaBuild other) {
        return new EstimatorSettings(gpuRuntimeBytes, cpuRuntimeBytes, cpuRepacksQ4_0, gpuAlignment, gpuBufferName,
                other);
    }

    public EstimatorSettings withCpuRepacksQ4_0(boolean repacks) {
        return new EstimatorSettings(gpuRuntimeBytes, cpuRuntimeBytes, repacks, gpuAlignment, gpuBufferName, build);
    }
}
