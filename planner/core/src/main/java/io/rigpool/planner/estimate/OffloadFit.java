package io.rigpool.planner.estimate;

import java.util.ArrayList;
import java.util.List;
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

    /** An offload of a mixture-of-experts model: n_gpu_layers and llama-server's --n-cpu-moe. */
    public record Rung(int gpuLayers, int expertLayersOnCpu) {
    }

    /**
     * The offloads that keep experts in RAM, slowest first: CPU only; then the attention and shared weights of
     * 1 .. layers + 1 layers with every expert in RAM; then the experts too, the last layers' first, down to
     * --n-cpu-moe 0. A token reads every attention weight but a few experts, so VRAM buys most speed in this
     * order; each rung needs more VRAM and reads less from RAM than the one below.
     */
    public static List<Rung> expertsInRamLadder(int layers) {
        List<Rung> rungs = new ArrayList<>(2 * layers + 2);
        rungs.add(new Rung(0, 0));
        for (int n = 1; n <= layers + 1; n++) {
            rungs.add(new Rung(n, layers));
        }
        for (int held = layers - 1; held >= 0; held--) {
            rungs.add(new Rung(layers + 1, held));
        }
        return rungs;
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
     * The highest rung of {@link #expertsInRamLadder} whose GPU total stays within {@code freeVram - reserve}
     * (every rung checked from the top, as GPU memory need not grow at each); CPU only when nothing fits. The
     * choice's value is its index on the ladder.
     */
    public Choice highestRungKeepingExpertsInRam(ModelGeometry model, LoadParameters p, long freeVram,
            long reserve) {
        List<Rung> ladder = expertsInRamLadder(model.layers());
        long budget = freeVram - reserve;
        for (int i = ladder.size() - 1; i >= 1; i--) {
            Rung rung = ladder.get(i);
            MemoryEstimate e = estimator.estimate(model, p.withGpuLayers(rung.gpuLayers())
                    .withExpertLayersOnCpu(rung.expertLayersOnCpu()));
            if (e.gpu().total() <= budget) {
                return new Choice(i, e);
            }
        }
        return new Choice(0, estimator.estimate(model, p.withGpuLayers(0).withExpertLayersOnCpu(0)));
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
