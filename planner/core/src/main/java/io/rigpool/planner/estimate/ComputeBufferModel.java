package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.graph.ComputeGraphs;
import io.rigpool.planner.estimate.graph.GraphParameters;

/**
 * Compute buffers. On a CPU-only runner the buffer comes from replaying llama.cpp b4916's worst-case graph through
 * its allocator, which reproduces the logged sizes exactly (see bench/results/estimator.json).
 *
 * <p>With a GPU the split follows b4916's scheduler, as read from its code (no GPU was available to measure):
 * <ul>
 * <li>full offload: the GPU holds the whole graph (same replay, CUDA alignment); the host keeps the graph inputs
 *     (token ids, positions, masks, output ids) and the embedding rows, because {@code token_embd} stays on the
 *     CPU and GET_ROWS is never offloaded;</li>
 * <li>partial offload: with 32 or more tokens per micro-batch the scheduler runs matrix ops on the GPU even for
 *     CPU-resident weights, copying each such weight into the GPU compute buffer for the duration of its op; the
 *     output head's copy plus the logits usually sets the peak. The host runs the attention of its own layers
 *     against its part of the KV cache, so it needs the CPU graph's buffer.</li>
 * <li>experts kept in RAM ({@code --n-cpu-moe}) count as CPU weights of a partial offload: prompt batches copy
 *     them to the GPU one tensor at a time, and the host computes them for single tokens.</li>
 * </ul>
 */
final class ComputeBufferModel {

    /** ggml-cuda offloads an op on CPU weights only for batches of at least this many tokens. */
    private static final long OFFLOAD_MIN_BATCH = 32;

    record Result(long gpuBytes, long hostBytes, boolean exact) {
    }

    private ComputeBufferModel() {
    }

    /** The replayed buffer for a graph and an alignment (cached by the caller). */
    interface GraphSizer {
        long bytes(GraphParameters graph, long alignment);
    }

    static Result compute(ModelGeometry m, LoadParameters p, Offload offload, EstimatorSettings settings,
            GraphSizer sizer) {
        LlamaBuild build = settings.build();
        // b4916 reserves the prompt graph with every token an output; llama-server of later builds one per slot.
        long outputs = build == LlamaBuild.B4916 ? p.graphTokens() : p.parallelSlots();
        GraphParameters graph = new GraphParameters(build.graphKvCells(m, p), p.graphTokens(), outputs,
                p.flashAttention(), p.cacheTypeK(), p.cacheTypeV());
        boolean exactGraph = build == LlamaBuild.B4916 && ComputeGraphs.exactFor(m);
        if (!offload.anyOnGpu()) {
            long cpu = sizer.bytes(graph, EstimatorSettings.CPU_ALIGNMENT);
            return new Result(0, cpu, exactGraph);
        }
        long tokens = p.graphTokens();
        long gpuGraph = sizer.bytes(graph, settings.gpuAlignment());
        if (offload.full() && offload.gpuLayersWithExpertsOnCpu() == 0) {
            return new Result(gpuGraph, hostInputs(m, p), false);
        }
        long gpu = gpuGraph;
        if (tokens >= OFFLOAD_MIN_BATCH) {
            long align = settings.gpuAlignment();
            long activations = WeightPlacement.pad(m.embedding() * tokens * 4, align);
            long logits = WeightPlacement.pad(m.vocabulary() * tokens * 4, align);
            long outputStage = WeightPlacement.pad(outputWeightBytes(m), align) + activations + logits;
            long layerStage = gpuGraph + WeightPlacement.pad(largestCpuLayerMatrix(m, offload), align);
            gpu = Math.max(outputStage, layerStage);
        }
        long host = sizer.bytes(graph, EstimatorSettings.CPU_ALIGNMENT);
        return new Result(gpu, host, false);
    }

    /** Graph inputs and the embedding rows, which stay in host memory on full offload. */
    private static long hostInputs(ModelGeometry m, LoadParameters p) {
        long tokens = p.graphTokens();
        long align = EstimatorSettings.CPU_ALIGNMENT;
        long maskRows = (tokens + 63) / 64 * 64;
        int masks = m.architecture().equals("gemma2") ? 2 : 1;
        long bytes = 3 * WeightPlacement.pad(tokens * GgmlType.I32.typeSize(), align);
        bytes += masks * WeightPlacement.pad(p.kvCells() * maskRows * 4, align);
        bytes += WeightPlacement.pad(m.embedding() * tokens * 4, align);
        return bytes;
    }

    private static long outputWeightBytes(ModelGeometry m) {
        return m.weight("output.weight").or(() -> m.weight("token_embd.weight")).map(ModelGeometry.Weight::bytes)
                .orElse(0L);
    }

    private static long largestCpuLayerMatrix(ModelGeometry m, Offload offload) {
        long largest = 0;
        for (ModelGeometry.Weight w : m.weights()) {
            if (w.layer() >= 0 && !WeightPlacement.onGpu(w, offload) && w.dims().length >= 2) {
                largest = Math.max(largest, w.bytes());
            }
        }
        return largest;
    }
}
