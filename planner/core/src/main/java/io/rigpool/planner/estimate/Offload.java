package io.rigpool.planner.estimate;

/**
 * Which layers llama.cpp puts on the GPU for a given n_gpu_layers: the last ones ({@code i >= layers - n}), the
 * output layer only when n exceeds the layer count, the input embedding never.
 */
record Offload(int layers, int gpuLayers) {

    static Offload of(int layers, int requested) {
        return new Offload(layers, Math.max(0, Math.min(requested, layers + 1)));
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

    boolean outputOnGpu() {
        return gpuLayers > layers;
    }

    /** Every layer and the output head on the GPU. */
    boolean full() {
        return outputOnGpu();
    }
}
