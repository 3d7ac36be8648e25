package io.rigpool.planner.models;

import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.DeviceMemory;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.Optional;

/**
 * The VRAM one runner takes, by purpose, as the admin page stacks it: weights on the GPU, KV cache, compute buffer
 * (with llama.cpp's output buffer when it is on the GPU), and the CUDA context outside llama.cpp's buffers.
 *
 * @param basis "measured" (llama.cpp's logged buffers), "estimated" (the estimator on the model's geometry) or
 *     "approximate" (from per-layer byte counts; KV cache and compute are then not told apart)
 * @param unsplitBytes KV cache and compute together, where the basis cannot tell them apart (approximate)
 */
public record VramBreakdown(String basis, long weightsBytes, long kvCacheBytes, long computeBytes, long runtimeBytes,
        long unsplitBytes) {

    public static final VramBreakdown NONE = new VramBreakdown("estimated", 0, 0, 0, 0, 0);

    public long totalBytes() {
        return weightsBytes + kvCacheBytes + computeBytes + runtimeBytes + unsplitBytes;
    }

    /** The estimator's GPU figures for one load (its runtime is the configured CUDA context). */
    public static VramBreakdown of(MemoryEstimate estimate) {
        DeviceMemory gpu = estimate.gpu();
        String basis = estimate.source() == MemoryEstimate.Source.MEASURED ? "measured" : "estimated";
        return new VramBreakdown(basis, gpu.weights(), gpu.kvCache(), gpu.compute() + gpu.output(), gpu.runtime(), 0);
    }

    /**
     * The GPU buffers a runner reported, plus the CUDA context; empty when it reported none on a GPU (a CPU-only
     * load holds no VRAM).
     */
    public static Optional<VramBreakdown> of(RunnerLoadReport report, long gpuRuntimeBytes) {
        long weights = 0;
        long kv = 0;
        long compute = 0;
        boolean any = false;
        for (DeviceBuffer b : report.getBuffersList()) {
            if (b.getDevice().isBlank() || MeasuredBuffers.deviceOf(b.getDevice()) != Device.GPU) {
                continue;
            }
            any = true;
            switch (b.getKind()) {
                case BUFFER_KIND_MODEL -> weights += b.getBytes();
                case BUFFER_KIND_KV -> kv += b.getBytes();
                case BUFFER_KIND_COMPUTE, BUFFER_KIND_OUTPUT -> compute += b.getBytes();
                default -> {
                    // A kind this planner does not know yet: counted with compute rather than lost.
                    compute += b.getBytes();
                }
            }
        }
        return any ? Optional.of(new VramBreakdown("measured", weights, kv, compute, gpuRuntimeBytes, 0))
                : Optional.empty();
    }

    /** Buffers a runner stored for exactly these parameters (possibly on another node), plus the CUDA context. */
    public static Optional<VramBreakdown> of(MeasuredBuffers measured, long gpuRuntimeBytes) {
        long gpu = measured.buffers().stream().filter(b -> b.device() == Device.GPU).mapToLong(b -> b.bytes()).sum();
        if (gpu == 0) {
            return Optional.empty();
        }
        return Optional.of(new VramBreakdown("measured", measured.bytes(Device.GPU, BufferKind.MODEL),
                measured.bytes(Device.GPU, BufferKind.KV), measured.bytes(Device.GPU, BufferKind.COMPUTE)
                        + measured.bytes(Device.GPU, BufferKind.OUTPUT), gpuRuntimeBytes, 0));
    }

    /**
     * Splits the planner's approximate VRAM figure for a model without geometry: the weights of the layers on the
     * GPU are known from the worker's per-layer byte counts (llama.cpp offloads the last layers first, and the
     * output head on full offload), the CUDA context is configured, and the rest is KV cache and compute together.
     *
     * @param totalBytes the planner's approximate figure for this n_gpu_layers
     */
    public static VramBreakdown approximate(LocalModel model, int gpuLayers, long totalBytes, long gpuRuntimeBytes) {
        if (gpuLayers <= 0 || totalBytes <= 0) {
            return new VramBreakdown("approximate", 0, 0, 0, 0, 0);
        }
        int blocks = Math.max(0, model.getBlockCount());
        long weights = 0;
        if (model.getLayerBytesCount() == blocks) {
            for (int il = Math.max(0, blocks - gpuLayers); il < blocks; il++) {
                weights += model.getLayerBytes(il);
            }
        } else if (blocks > 0) {
            weights = (model.getSizeBytes() - model.getNonLayerBytes()) / blocks * Math.min(gpuLayers, blocks);
        }
        if (gpuLayers > blocks) {
            // The output head: about half of the weights outside the layers (the other half is the embedding).
            weights += model.getNonLayerBytes() / 2;
        }
        long runtime = Math.min(gpuRuntimeBytes, totalBytes);
        weights = Math.min(weights, totalBytes - runtime);
        return new VramBreakdown("approximate", weights, 0, 0, runtime, totalBytes - runtime - weights);
    }
}
