package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts every tensor where llama.cpp b4916 puts it and sizes the model buffers it allocates. A tied output head
 * (no {@code output.weight}) is llama.cpp's duplicate of {@code token_embd.weight}, loaded a second time onto the
 * GPU on full offload. Memory-mapped CPU weights form one mapped range per file (first to last tensor, holes for
 * other devices' tensors included); matrices of the types the build repacks (b4916: Q4_0) go to an allocated
 * repack buffer on AVX2 CPUs.
 * Routed experts held back by {@code --n-cpu-moe} are mapped like any CPU weight (llama-server overrides them to
 * the plain CPU buffer type, which is never repacked).
 */
final class WeightPlacement {

    /** ggml-cuda's MATRIX_ROW_PADDING: quantized tensors get room for one padded row chunk. */
    private static final long CUDA_ROW_PADDING = 512;

    /**
     * @param gpuExpertBytes routed experts' bytes on the GPU (a token reads only its share of them)
     * @param cpuExpertBytes routed experts' bytes in RAM
     */
    record Result(long gpuBytes, long cpuBytes, long[] layerBytes, long inputBytes, long outputBytes,
            long gpuExpertBytes, long cpuExpertBytes, List<Buffer> buffers) {
    }

    private WeightPlacement() {
    }

    static Result place(ModelGeometry m, Offload offload, boolean mmap, EstimatorSettings settings) {
        long gpu = 0;
        long cpu = 0;
        long[] layerBytes = new long[m.layers()];
        long input = 0;
        long output = 0;
        long gpuBuffer = 0;
        long cpuAllocated = 0;
        long repacked = 0;
        long gpuExperts = 0;
        long cpuExperts = 0;
        Map<Integer, long[]> mappedRange = new HashMap<>();
        boolean tied = !m.hasTensor("output.weight");
        for (ModelGeometry.Weight w : m.weights()) {
            boolean onGpu = onGpu(w, offload);
            if (w.layer() >= 0 && w.layer() < layerBytes.length) {
                layerBytes[w.layer()] += w.bytes();
            } else if (w.name().equals("token_embd.weight")) {
                input += w.bytes();
            } else if (w.name().startsWith("output")) {
                output += w.bytes();
            }
            if (ModelGeometry.isExpertTensor(w.name())) {
                if (onGpu) {
                    gpuExperts += w.bytes();
                } else {
                    cpuExperts += w.bytes();
                }
            }
            if (onGpu) {
                gpu += w.bytes();
                gpuBuffer += pad(cudaAllocSize(w), settings.gpuAlignment());
                continue;
            }
            cpu += w.bytes();
            boolean heldBackExpert = w.layer() >= 0 && offload.layerOnGpu(w.layer());
            if (settings.cpuRepacksQ4_0() && settings.build().repacks(w) && !heldBackExpert) {
                repacked += pad(w.bytes(), EstimatorSettings.CPU_ALIGNMENT);
            } else if (mmap) {
                long[] range = mappedRange.computeIfAbsent(w.file(), f -> new long[] {Long.MAX_VALUE, 0});
                range[0] = Math.min(range[0], w.offset());
                range[1] = Math.max(range[1], w.offset() + w.bytes());
            } else {
                cpuAllocated += pad(w.bytes(), EstimatorSettings.CPU_ALIGNMENT);
            }
        }
        if (tied) {
            ModelGeometry.Weight embedding = m.weight("token_embd.weight").orElseThrow();
            output += embedding.bytes();
            if (offload.outputOnGpu()) {
                gpu += embedding.bytes();
                gpuBuffer += pad(cudaAllocSize(embedding), settings.gpuAlignment());
            }
        }
        List<Buffer> buffers = new ArrayList<>();
        if (gpuBuffer > 0) {
            buffers.add(new Buffer(settings.gpuBufferName(), Device.GPU, BufferKind.MODEL, gpuBuffer));
        }
        if (repacked > 0) {
            buffers.add(new Buffer(settings.build().repackBuffer(), Device.CPU, BufferKind.MODEL, repacked));
        }
        long mapped = 0;
        for (long[] range : mappedRange.values()) {
            mapped += range[1] - range[0];
        }
        if (mapped > 0) {
            buffers.add(new Buffer("CPU_Mapped", Device.CPU, BufferKind.MODEL, mapped));
        }
        if (cpuAllocated > 0) {
            buffers.add(new Buffer("CPU", Device.CPU, BufferKind.MODEL, cpuAllocated));
        }
        return new Result(gpu, cpu, layerBytes, input, output, gpuExperts, cpuExperts, buffers);
    }

    /** Whether llama.cpp puts the tensor on the GPU for this offload. */
    static boolean onGpu(ModelGeometry.Weight w, Offload offload) {
        if (w.layer() >= 0) {
            return ModelGeometry.isExpertTensor(w.name()) ? offload.expertsOnGpu(w.layer())
                    : offload.layerOnGpu(w.layer());
        }
        if (w.name().equals("token_embd.weight")) {
            return false;
        }
        if (w.name().startsWith("output")) {
            return offload.outputOnGpu();
        }
        // Per-model tables such as rope_freqs belong to layer 0 (llama.cpp creates them with it).
        return w.name().startsWith("rope_") && offload.layerOnGpu(0);
    }

    private static long cudaAllocSize(ModelGeometry.Weight w) {
        long size = w.bytes();
        long rowLength = w.dims()[0];
        if (isQuantized(w.type()) && rowLength % CUDA_ROW_PADDING != 0) {
            long missing = CUDA_ROW_PADDING - rowLength % CUDA_ROW_PADDING;
            size += (missing + w.type().blockSize() - 1) / w.type().blockSize() * w.type().typeSize();
        }
        return size;
    }

    static boolean isQuantized(GgmlType type) {
        return type.blockSize() > 1;
    }

    static long pad(long bytes, long alignment) {
        return (bytes + alignment - 1) / alignment * alignment;
    }
}
