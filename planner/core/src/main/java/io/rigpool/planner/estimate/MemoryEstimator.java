package io.rigpool.planner.estimate;

import io.rigpool.planner.estimate.graph.ComputeGraphs;
import io.rigpool.planner.estimate.graph.GraphParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates the memory llama.cpp takes for a model and load parameters, per device and per purpose, under the rules
 * of the settings' build ({@link LlamaBuild}). Weights and KV cache are exact from the tensor table and
 * hyperparameters; b4916's CPU compute buffer is exact from a replay of llama.cpp's graph allocator; GPU compute
 * buffers, and every compute buffer of a later build, are modelled (see {@link ComputeBufferModel}). Thread-safe.
 */
public final class MemoryEstimator {

    private static final int CACHE_LIMIT = 4096;

    private record GraphKey(ModelGeometry model, GraphParameters graph, long alignment) {
    }

    private final EstimatorSettings settings;
    private final Map<GraphKey, Long> graphCache = new ConcurrentHashMap<>();

    public MemoryEstimator(EstimatorSettings settings) {
        this.settings = settings;
    }

    public MemoryEstimator() {
        this(EstimatorSettings.defaults());
    }

    public EstimatorSettings settings() {
        return settings;
    }

    public MemoryEstimate estimate(ModelGeometry model, LoadParameters p) {
        Offload offload = Offload.of(model.layers(), p.gpuLayers(), p.expertLayersOnCpu());
        WeightPlacement.Result weights = WeightPlacement.place(model, offload, p.mmap(), settings);
        long[] layerKv = KvCacheSizes.perLayer(model, p, settings.build());
        long gpuKv = 0;
        long cpuKv = 0;
        for (int il = 0; il < layerKv.length; il++) {
            if (offload.layerOnGpu(il)) {
                gpuKv += layerKv[il];
            } else {
                cpuKv += layerKv[il];
            }
        }
        ComputeBufferModel.Result compute = compute(model, p, offload);
        long output = model.vocabulary() * p.parallelSlots() * 4L;

        List<Buffer> buffers = new ArrayList<>(weights.buffers());
        String host = offload.anyOnGpu() ? "CUDA_Host" : "CPU";
        if (gpuKv > 0) {
            buffers.add(new Buffer(settings.gpuBufferName(), Device.GPU, BufferKind.KV, gpuKv));
        }
        if (cpuKv > 0) {
            buffers.add(new Buffer("CPU", Device.CPU, BufferKind.KV, cpuKv));
        }
        if (compute.gpuBytes() > 0) {
            buffers.add(new Buffer(settings.gpuBufferName(), Device.GPU, BufferKind.COMPUTE, compute.gpuBytes()));
        }
        buffers.add(new Buffer(host, Device.CPU, BufferKind.COMPUTE, compute.hostBytes()));
        buffers.add(new Buffer(host, Device.CPU, BufferKind.OUTPUT, output));

        DeviceMemory gpu = offload.anyOnGpu()
                ? new DeviceMemory(weights.gpuBytes(), gpuKv, compute.gpuBytes(), 0, settings.gpuRuntimeBytes())
                : DeviceMemory.NONE;
        DeviceMemory cpu = new DeviceMemory(weights.cpuBytes(), cpuKv, compute.hostBytes(), output,
                settings.cpuRuntimeBytes());
        return new MemoryEstimate(model.name(), p, model.layers(), offload.repeatingLayersOnGpu(),
                offload.outputOnGpu(), gpu, cpu, weights.layerBytes(), layerKv, weights.inputBytes(),
                weights.outputBytes(), buffers, MemoryEstimate.Source.ESTIMATED, compute.exact(),
                new MemoryEstimate.Experts(weights.gpuExpertBytes(), weights.cpuExpertBytes(),
                        offload.gpuLayersWithExpertsOnCpu(), model.expertReadShare()));
    }

    private ComputeBufferModel.Result compute(ModelGeometry model, LoadParameters p, Offload offload) {
        return ComputeBufferModel.compute(model, p, offload, settings, (graph, alignment) -> {
            if (graphCache.size() > CACHE_LIMIT) {
                graphCache.clear();
            }
            // Only b4916's graphs are replayed; a later build's are modelled (SnapshotComputeModel).
            return graphCache.computeIfAbsent(new GraphKey(model, graph, alignment),
                    k -> settings.build() == LlamaBuild.B4916 ? ComputeGraphs.singleBackendBytes(model, graph,
                            alignment) : SnapshotComputeModel.bytes(model, graph));
        });
    }
}
