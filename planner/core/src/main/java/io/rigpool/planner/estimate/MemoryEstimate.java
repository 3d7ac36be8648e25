package io.rigpool.planner.estimate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes per device for one model loaded with one set of parameters, broken down by purpose and by layer, plus the
 * buffers llama.cpp will log (so that a runner's report can be compared with, and then replace, the estimate).
 *
 * @param layersOnGpu repeating layers on the GPU
 * @param outputOnGpu whether the output head is on the GPU (full offload)
 * @param layerWeights weight bytes of each repeating layer
 * @param layerKv K+V cache bytes of each layer
 * @param inputWeights bytes of the input embedding (always in host memory)
 * @param outputWeights bytes of the output head and final norm (for a tied head: the embedding it duplicates)
 * @param buffers llama.cpp's buffers as it will log them
 * @param source whether the figures are estimated or were measured by a runner
 * @param exact false where a figure is modelled rather than replayed (GPU compute buffers, unknown
 *     architectures)
 * @param experts where the routed experts of a mixture-of-experts model are (part of the weights above), and how
 *     much of them a token reads
 */
public record MemoryEstimate(String model, LoadParameters parameters, int layers, int layersOnGpu,
        boolean outputOnGpu, DeviceMemory gpu, DeviceMemory cpu, long[] layerWeights, long[] layerKv,
        long inputWeights, long outputWeights, List<Buffer> buffers, Source source, boolean exact,
        Experts experts) {

    /**
     * The routed experts' weights per device.
     *
     * @param gpuLayersWithExpertsOnCpu layers on the GPU whose experts --n-cpu-moe keeps in RAM
     * @param readShare the share of them one token reads (expert_used_count of expert_count; 1 for a dense model)
     */
    public record Experts(long gpuBytes, long cpuBytes, int gpuLayersWithExpertsOnCpu, double readShare) {

        public static final Experts NONE = new Experts(0, 0, 0, 1);

        /** Bytes of the experts one token skips on each device. */
        long unreadGpuBytes() {
            return Math.round(gpuBytes * (1 - readShare));
        }

        long unreadCpuBytes() {
            return Math.round(cpuBytes * (1 - readShare));
        }
    }

    /** Where the figures come from. */
    public enum Source {
        ESTIMATED,
        MEASURED
    }

    public MemoryEstimate {
        layerWeights = layerWeights.clone();
        layerKv = layerKv.clone();
        buffers = List.copyOf(buffers);
    }

    public DeviceMemory device(Device device) {
        return device == Device.GPU ? gpu : cpu;
    }

    /** The sum of the logged buffers of one kind on one device. */
    public long bufferBytes(Device device, BufferKind kind) {
        long sum = 0;
        for (Buffer b : buffers) {
            if (b.device() == device && b.kind() == kind) {
                sum += b.bytes();
            }
        }
        return sum;
    }

    /** Share of the repeating layers on the GPU, 0..1. */
    public double shareOfLayersOnGpu() {
        return layers == 0 ? 0 : (double) layersOnGpu / layers;
    }

    /**
     * This estimate with every (device, kind) a runner measured replaced by the measured bytes. Measured model
     * buffers on the CPU are llama.cpp's mapped range, which can exceed the resident weights; they are taken as
     * they are, erring on the safe side.
     */
    public MemoryEstimate withMeasured(MeasuredBuffers measured) {
        List<Buffer> merged = new ArrayList<>();
        for (Buffer b : buffers) {
            if (!measured.covers(b.device(), b.kind())) {
                merged.add(b);
            }
        }
        merged.addAll(measured.buffers());
        DeviceMemory g = replace(gpu, Device.GPU, measured);
        DeviceMemory c = replace(cpu, Device.CPU, measured);
        return new MemoryEstimate(model, parameters, layers, layersOnGpu, outputOnGpu, g, c, layerWeights, layerKv,
                inputWeights, outputWeights, merged, Source.MEASURED, true, experts);
    }

    private static DeviceMemory replace(DeviceMemory memory, Device device, MeasuredBuffers m) {
        return new DeviceMemory(
                m.covers(device, BufferKind.MODEL) ? m.bytes(device, BufferKind.MODEL) : memory.weights(),
                m.covers(device, BufferKind.KV) ? m.bytes(device, BufferKind.KV) : memory.kvCache(),
                m.covers(device, BufferKind.COMPUTE) ? m.bytes(device, BufferKind.COMPUTE) : memory.compute(),
                m.covers(device, BufferKind.OUTPUT) ? m.bytes(device, BufferKind.OUTPUT) : memory.output(),
                memory.runtime());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryEstimate e && model.equals(e.model) && parameters.equals(e.parameters)
                && gpu.equals(e.gpu) && cpu.equals(e.cpu) && Arrays.equals(layerWeights, e.layerWeights)
                && Arrays.equals(layerKv, e.layerKv) && buffers.equals(e.buffers) && source == e.source
                && experts.equals(e.experts);
    }

    @Override
    public int hashCode() {
        return model.hashCode() * 31 + parameters.hashCode();
    }

    @Override
    public String toString() {
        return model + " " + parameters + ": GPU " + gpu + ", CPU " + cpu + " (" + source + ")";
    }
}
