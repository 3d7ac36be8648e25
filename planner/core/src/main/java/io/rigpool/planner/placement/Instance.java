package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;

/**
 * One runner: a model on a node with a slot layout, n_gpu_layers and, for a mixture-of-experts model on
 * llama-server, the layers whose experts stay in RAM.
 *
 * @param expertLayersOnCpu {@code --n-cpu-moe}: 0 unless the engine keeps experts in RAM
 * @param engine the engine that runs it
 */
public record Instance(String nodeId, String modelId, SlotLayout option, int gpuLayers, int expertLayersOnCpu,
        EngineKind engine) {

    public Instance {
        if (engine == null) {
            throw new IllegalArgumentException("an instance needs an engine");
        }
    }

    /** A runner on the default engine with whole layers on the GPU. */
    public Instance(String nodeId, String modelId, SlotLayout option, int gpuLayers) {
        this(nodeId, modelId, option, gpuLayers, 0, EngineKind.JAVA_LLAMA);
    }
}
