package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one model costs and yields with one {@link SlotLayout}, for every level of its offload ladder from 0 (CPU
 * only) to {@link #fullOffload()}: bytes of VRAM and RAM, and the bytes each decode step reads from each device.
 * Built once per model and option (see {@link Footprints}) so that the optimiser only does arithmetic.
 *
 * <p>Each level is an {@link OffloadStep}. For a dense model (or an engine that cannot split experts off) the
 * ladder is n_gpu_layers itself: level n is n_gpu_layers n, up to layers + 1. A mixture-of-experts model on
 * llama-server climbs further: levels 0 .. layers + 1 put whole layers' attention and shared weights on the GPU
 * with every expert in RAM, and the levels above bring the experts in, layer by layer from the last, down to
 * {@code --n-cpu-moe 0} at the top. Both ladders read fewer bytes from RAM at each higher level, so higher is
 * faster, as the optimiser assumes; and the first layers + 2 levels are n_gpu_layers, so a cap on n_gpu_layers
 * caps the level.
 *
 * <p>Decode speed follows the bandwidth model of {@link io.rigpool.planner.estimate.DecodeSpeedModel}: one step
 * decodes one token for every busy slot and reads the weights once plus every slot's KV cache, so
 * {@code tokens/s = slots / (gpuReads / gpuBandwidth + cpuReads / cpuBandwidth)}.
 */
public final class Footprint {

    /** Where a figure comes from, worst first: the reasons name it. */
    public enum Basis {
        /** Derived from a worker's per-layer byte counts without the model's geometry: KV and compute guessed. */
        APPROXIMATE,
        /** The estimator on the model's geometry. */
        ESTIMATED,
        /** Buffers a runner reported after loading exactly these parameters. */
        MEASURED
    }

    private final String modelId;
    private final SlotLayout option;
    private final int layers;
    private final long[] gpuBytes;
    private final long[] cpuBytes;
    private final long[] gpuReads;
    private final long[] cpuReads;
    private final Basis[] basis;
    private final OffloadStep[] steps;
    /** n_gpu_layers values worth using, highest first, each needing strictly less VRAM than every higher one. */
    private final int[] frontier;

    /**
     * @param gpuBytes VRAM per n_gpu_layers (index 0 .. layers + 1)
     * @param cpuBytes RAM per n_gpu_layers
     * @param gpuReads bytes read from VRAM per decode step with every slot busy
     * @param cpuReads bytes read from RAM per decode step with every slot busy
     * @param basis where each entry's figures come from
     */
    public Footprint(String modelId, SlotLayout option, int layers, long[] gpuBytes, long[] cpuBytes,
            long[] gpuReads, long[] cpuReads, Basis[] basis) {
        this(modelId, option, layers, OffloadStep.wholeLayers(Math.max(0, layers), EngineKind.JAVA_LLAMA), gpuBytes,
                cpuBytes, gpuReads, cpuReads, basis);
    }

    /**
     * @param steps what each level asks the engine for; the first layers + 2 must be n_gpu_layers 0 .. layers + 1
     */
    public Footprint(String modelId, SlotLayout option, int layers, OffloadStep[] steps, long[] gpuBytes,
            long[] cpuBytes, long[] gpuReads, long[] cpuReads, Basis[] basis) {
        int n = steps.length;
        if (layers < 0 || n < layers + 2 || gpuBytes.length != n || cpuBytes.length != n || gpuReads.length != n
                || cpuReads.length != n || basis.length != n) {
            throw new IllegalArgumentException("footprint of " + modelId + ": need " + n + " entries per array");
        }
        for (int level = 0; level < layers + 2; level++) {
            if (steps[level].gpuLayers() != level) {
                throw new IllegalArgumentException("footprint of " + modelId + ": level " + level + " must be "
                        + level + " GPU layers, is " + steps[level]);
            }
        }
        this.steps = steps.clone();
        this.modelId = modelId;
        this.option = option;
        this.layers = layers;
        this.gpuBytes = gpuBytes.clone();
        this.cpuBytes = cpuBytes.clone();
        this.gpuReads = gpuReads.clone();
        this.cpuReads = cpuReads.clone();
        this.basis = basis.clone();
        this.frontier = frontier(this.gpuBytes);
    }

    private static int[] frontier(long[] gpu) {
        List<Integer> points = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        for (int n = gpu.length - 1; n >= 1; n--) {
            if (gpu[n] < lowest) {
                points.add(n);
                lowest = gpu[n];
            }
        }
        return points.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same figures under another model id (a copy of a file under another name). */
    public Footprint withModelId(String otherId) {
        return new Footprint(otherId, option, layers, steps, gpuBytes, cpuBytes, gpuReads, cpuReads, basis);
    }

    /** What a runner at this level asks its engine for. */
    public OffloadStep step(int level) {
        return steps[level];
    }

    /** The level of a runner that asked for these, or -1 when it is not on this ladder. */
    public int level(int gpuLayers, int expertLayersOnCpu) {
        for (int level = 0; level < steps.length; level++) {
            if (steps[level].gpuLayers() == gpuLayers && steps[level].expertLayersOnCpu() == expertLayersOnCpu) {
                return level;
            }
        }
        return -1;
    }

    /** Whether some level keeps experts in RAM on a GPU (a mixture-of-experts model on llama-server). */
    public boolean splitsExperts() {
        return steps.length > layers + 2;
    }

    public String modelId() {
        return modelId;
    }

    public SlotLayout option() {
        return option;
    }

    /** Repeating layers of the model; n_gpu_layers runs from 0 to {@code layers() + 1}. */
    public int layers() {
        return layers;
    }

    /** The top level: every layer and the output head on the GPU, no expert held back. */
    public int fullOffload() {
        return steps.length - 1;
    }

    public long gpuBytes(int gpuLayers) {
        return gpuBytes[gpuLayers];
    }

    public long cpuBytes(int gpuLayers) {
        return cpuBytes[gpuLayers];
    }

    public Basis basis(int gpuLayers) {
        return basis[gpuLayers];
    }

    /** Bytes one decode step reads from VRAM with every slot busy. */
    public long gpuReads(int gpuLayers) {
        return gpuReads[gpuLayers];
    }

    /** Bytes one decode step reads from host memory with every slot busy. */
    public long cpuReads(int gpuLayers) {
        return cpuReads[gpuLayers];
    }

    /** Seconds one decode step takes (every slot busy) on a node with these bandwidths, in bytes per second. */
    public double stepSeconds(int gpuLayers, double gpuBandwidth, double cpuBandwidth) {
        return stepSeconds(gpuLayers, gpuBandwidth, cpuBandwidth, 0);
    }

    /**
     * Seconds one decode step takes on a node that also spends {@code overheadSeconds} per step beyond reading
     * memory (see {@link io.rigpool.planner.estimate.speed.SpeedCalibration}).
     */
    public double stepSeconds(int gpuLayers, double gpuBandwidth, double cpuBandwidth, double overheadSeconds) {
        double gpu = gpuReads[gpuLayers] == 0 ? 0 : gpuReads[gpuLayers] / gpuBandwidth;
        return gpu + cpuReads[gpuLayers] / cpuBandwidth + overheadSeconds;
    }

    /** Tokens per second the runner decodes with every slot busy. */
    public double tokensPerSecond(int gpuLayers, double gpuBandwidth, double cpuBandwidth) {
        return tokensPerSecond(gpuLayers, gpuBandwidth, cpuBandwidth, 0);
    }

    /** Tokens per second the runner decodes with every slot busy, on a node with a fixed cost per step. */
    public double tokensPerSecond(int gpuLayers, double gpuBandwidth, double cpuBandwidth, double overheadSeconds) {
        double step = stepSeconds(gpuLayers, gpuBandwidth, cpuBandwidth, overheadSeconds);
        return step <= 0 ? 0 : option.parallelSlots() / step;
    }

    /**
     * The largest n_gpu_layers whose VRAM and RAM fit, or -1 when not even CPU only fits the RAM. More layers on
     * the GPU never slow decoding (a GPU reads faster than host memory), so the largest fitting count is the best.
     *
     * @param gpuOffload false for a node without a proven GPU backend: CPU only
     */
    public int largestFitting(long vram, long ram, boolean gpuOffload) {
        return largestFitting(vram, ram, gpuOffload ? Integer.MAX_VALUE : 0);
    }

    /**
     * As {@link #largestFitting(long, long, boolean)}, with n_gpu_layers at most {@code maxGpuLayers} (0: CPU
     * only; a node whose last load offloaded fewer layers than asked is capped at what it really offloaded).
     */
    public int largestFitting(long vram, long ram, int maxGpuLayers) {
        // A cap below full offload may sit off the frontier; it is still the most a capped node can use.
        if (maxGpuLayers > 0 && maxGpuLayers <= fullOffload() && gpuBytes[maxGpuLayers] <= vram
                && cpuBytes[maxGpuLayers] <= ram) {
            return maxGpuLayers;
        }
        for (int n : frontier) {
            if (n <= maxGpuLayers && gpuBytes[n] <= vram && cpuBytes[n] <= ram) {
                return n;
            }
        }
        return cpuBytes[0] <= ram ? 0 : -1;
    }

    /**
     * The n_gpu_layers values worth considering for a VRAM budget, highest first: each fits and needs less VRAM
     * than every higher count (a count that needs more than a higher one is never better). Ends with 0.
     */
    public int[] fittingLayerCounts(long vram, long ram, boolean gpuOffload) {
        return fittingLayerCounts(vram, ram, gpuOffload ? Integer.MAX_VALUE : 0);
    }

    /** As {@link #fittingLayerCounts(long, long, boolean)}, with n_gpu_layers at most {@code maxGpuLayers}. */
    public int[] fittingLayerCounts(long vram, long ram, int maxGpuLayers) {
        List<Integer> counts = new ArrayList<>();
        boolean capped = false;
        for (int n : frontier) {
            if (n > maxGpuLayers) {
                capped = true;
            } else if (gpuBytes[n] <= vram && cpuBytes[n] <= ram) {
                counts.add(n);
            }
        }
        // Below a cap that cut the frontier, the cap itself is worth trying even off the frontier.
        if (capped && maxGpuLayers > 0 && maxGpuLayers <= fullOffload() && !counts.contains(maxGpuLayers)
                && gpuBytes[maxGpuLayers] <= vram && cpuBytes[maxGpuLayers] <= ram) {
            counts.add(0, maxGpuLayers);
        }
        if (cpuBytes[0] <= ram) {
            counts.add(0);
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The smallest VRAM that holds any GPU layers at all, for "needs at least" in reasons. */
    public long smallestGpuBytes() {
        return frontier.length == 0 ? 0 : gpuBytes[frontier[frontier.length - 1]];
    }

    @Override
    public String toString() {
        return modelId + " " + option + " (" + layers + " layers, full offload " + gpuBytes[fullOffload()] + " B, "
                + Arrays.stream(basis).distinct().toList() + ")";
    }
}
