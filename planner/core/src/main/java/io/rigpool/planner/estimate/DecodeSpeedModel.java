package io.rigpool.planner.estimate;

/**
 * Token generation is memory-bound: each generated token reads every weight it uses and the sequence's KV cache
 * once. So the time per token is the bytes each device reads divided by that device's memory bandwidth, summed:
 * {@code t = gpuBytes / gpuBandwidth + cpuBytes / cpuBandwidth}. Compute and PCIe transfers are ignored; with the
 * datasheet's bandwidths the model ranks offload choices and predicts speed-ups, not absolute speed. Absolute speed
 * comes from {@code speed.SpeedCalibration}: effective bandwidths and a fixed cost per step fitted to a node's
 * measured speeds.
 */
public final class DecodeSpeedModel {

    /** Bytes read per generated token on each device. */
    public record TokenReads(long gpuBytes, long cpuBytes) {
    }

    private DecodeSpeedModel() {
    }

    /**
     * The input embedding contributes one row per token (nothing, at this scale) unless it doubles as the output
     * head on the CPU. A mixture-of-experts layer reads only the experts its router picks: expert_used_count of
     * expert_count of each expert tensor, on whichever device holds it. The KV cache read is one slot's share of
     * the cache, full (the slow end of a conversation).
     */
    public static TokenReads reads(MemoryEstimate e, ModelGeometry model) {
        boolean tied = !model.hasTensor("output.weight");
        long slots = e.parameters().parallelSlots();
        long cpuWeights = e.cpu().weights();
        if (!(tied && !e.outputOnGpu())) {
            cpuWeights -= e.inputWeights();
        }
        cpuWeights -= e.experts().unreadCpuBytes();
        long gpuWeights = e.gpu().weights() - e.experts().unreadGpuBytes();
        return new TokenReads(Math.max(0, gpuWeights) + e.gpu().kvCache() / slots,
                Math.max(0, cpuWeights) + e.cpu().kvCache() / slots);
    }

    /** Seconds per generated token; bandwidths in bytes per second. */
    public static double secondsPerToken(MemoryEstimate e, ModelGeometry model, double gpuBandwidth,
            double cpuBandwidth) {
        return secondsPerToken(e, model, gpuBandwidth, cpuBandwidth, 0);
    }

    /**
     * Seconds per generated token on a node that also spends {@code overheadSeconds} per step beyond reading
     * memory: bandwidths and overhead as fitted to its measured speeds ({@code speed.SpeedCalibration}).
     */
    public static double secondsPerToken(MemoryEstimate e, ModelGeometry model, double gpuBandwidth,
            double cpuBandwidth, double overheadSeconds) {
        TokenReads r = reads(e, model);
        double gpu = r.gpuBytes() == 0 ? 0 : r.gpuBytes() / gpuBandwidth;
        return gpu + r.cpuBytes() / cpuBandwidth + overheadSeconds;
    }
}
