package io.rigpool.planner.estimate;

/**
 * Which layers llama.cpp puts on the GPU for a given n_gpu_layers: the last ones ({@code i >= layers - n}), the
 * output layer only when n exceeds the layer count, the input embedding never. With llama-server's
 * {@code --n-cpu-moe m} the routed experts of layers {@code i < m} stay on the CPU even where their layer is on the
 * GPU.
 */
record Offload(int layers, int gpuLayers, int expertLayersOnCpu) {

    static Offload of(int layers, int requested) {
        return of(layers, requested, 0);
    }

    static Offload of(int layers, int requested, int expertLayersOnCpu) {
        return new Offload(layers, Math.max(0, Math.min(requested, layers + 1)),
                Math.max(0, Math.min(expertLayersOnCpu, layers)));
    }

    boolean anyOnGpu() {
        return gpuLayers > 0;
    }

    int firstGpuLayer() {
        return layers - Math.min(gpuLayers, layers);
    }

    int repeatingLayersOnGpu() {
        return Math.min(gpuLayers, layers);
    }

    boolean layerOnGpu(int layer) {
        return anyOnGpu() && layer >= firstGpuLayer();
    }

    /** Whether the layer's routed experts are on the GPU: the layer is, and --n-cpu-moe does not hold them back. */
    boolean expertsOnGpu(int layer) {
        return layerOnGpu(layer) && layer >= expertLayersOnCpu;
    }

    /** Layers on the GPU whose experts stay in RAM. */
    int gpuLayersWithExpertsOnCpu() {
        return Math.max(0, expertLayersOnCpu - firstGpuLayer());
    }

    boolean outputOnGpu() {
        return gpuLayers > layers;
    }

    /** Every layer and the output head on the GPU. */
    boolean full() {
        return outputOnGpu();
    }
}
