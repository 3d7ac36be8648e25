package io.rigpool.planner.placement;

/** One runner: a model on a node with a runner option and n_gpu_layers. */
public record Instance(String nodeId, String modelId, RunnerOption option, int gpuLayers) {
}
