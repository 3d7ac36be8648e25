package io.rigpool.planner.estimate;

import java.util.Optional;

/**
 * Answers "how much fits": the largest n_gpu_layers for a free amount of VRAM, and the largest context for a
 * given offload. Every answer carries the estimate it rests on, so a decision can state its numbers.
 */
public final class OffloadFit {

    /** Contexts are searched in steps of this many tokens (llama.cpp pads flash-attention caches to 256). */
    public static final int CONTEXT_STEP = 256;

    /** A fitting choice and the estimate it was judged by. */
    public record Choice(int value, MemoryEstimate estimate) {
    }

    private final MemoryEstimator estimator;

    public OffloadFit(MemoryEstimator estimator) {
        this.estimator = estimator;
    }

    /**
     * The largest n_gpu_layers (0 .. layers + 1) whose GPU total stays within {@code freeVram - reserve}. GPU memory
     * is not monotonic in n_gpu_layers (full offload drops the weight copies of partial offload but adds the output
     * head), so every count is checked, from full offload down. Returns 0 (CPU only) when nothing fits.
     */
    public Choice largestGpuLayers(ModelGeometry model, LoadParameters p, long freeVram, long reserve) {
        long budget = freeVram - reserve;
        for (int n = model.layers() + 1; n >= 1; n--) {
            MemoryEstimate e = estimator.estimate(model, p.withGpuLayers(n));
            if (e.gpu().total() <= budget) {
                return new Choice(n, e);
            }
        }
        return new Choice(0, estimator.estimate(model, p.withGpuLayers(0)));
    }

    /**
     * The largest context (a multiple of {@link #CONTEXT_STEP}, at most the trained context) for which the GPU part
     * stays within {@code freeVram - reserve} and the host part within {@code freeRam}; empty when even the
     * smallest does not fit. Memory grows with the context, so a binary search suffices.
     */
    public Optional<Choice> largestContext(ModelGeometry model, LoadParameters p, long freeVram, long reserve,
            long freeRam) {
        int low = 1;
        int high = Math.max(1, model.trainedContext() / CONTEXT_STEP);
        Choice best = null;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            MemoryEstimate e = estimator.estimate(model, p.withContextSize(mid * CONTEXT_STEP));
            boolean gpuFits = e.gpu().total() == 0 || e.gpu().total() <= freeVram - reserve;
            boolean fits = gpuFits && e.cpu().total() <= freeRam;
            if (fits) {
                best = new Choice(mid * CONTEXT_STEP, e);
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return Optional.ofNullable(best);
    }
}
