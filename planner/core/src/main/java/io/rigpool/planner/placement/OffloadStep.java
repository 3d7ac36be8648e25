package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;

/**
 * One rung of a footprint's offload ladder: what a runner at that level asks its engine for.
 *
 * @param gpuLayers n_gpu_layers
 * @param expertLayersOnCpu llama-server's {@code --n-cpu-moe}: the routed experts of the first this many layers
 *     stay in RAM (0 for a dense model, or every offloaded layer whole)
 * @param engine the engine that runs it
 */
public record OffloadStep(int gpuLayers, int expertLayersOnCpu, EngineKind engine) {

    public OffloadStep {
        if (gpuLayers < 0 || expertLayersOnCpu < 0 || engine == null) {
            throw new IllegalArgumentException("an offload step needs layers >= 0 and an engine");
        }
    }

    /**
     * The ladder of a mixture-of-experts model on llama-server: first the attention and shared weights of whole
     * layers with every expert in RAM (n_gpu_layers 1 .. layers + 1, {@code --n-cpu-moe layers}), then the experts
     * too, the last layers' first ({@code --n-cpu-moe layers - 1} .. 0). A token reads a few experts but all of the
     * rest, so VRAM buys most speed this way round. CPU only and the top level split nothing: they run on
     * {@code wholeModelEngine} (java-llama where it loads the architecture, which is preferred).
     */
    public static OffloadStep[] expertsInRam(int layers, EngineKind wholeModelEngine) {
        OffloadStep[] steps = new OffloadStep[2 * layers + 2];
        steps[0] = new OffloadStep(0, 0, wholeModelEngine);
        for (int n = 1; n <= layers + 1; n++) {
            steps[n] = new OffloadStep(n, layers, EngineKind.LLAMA_SERVER);
        }
        for (int held = layers - 1; held >= 0; held--) {
            steps[2 * layers + 1 - held] = new OffloadStep(layers + 1, held,
                    held == 0 ? wholeModelEngine : EngineKind.LLAMA_SERVER);
        }
        return steps;
    }

    /** The ladder of whole layers: n_gpu_layers 0 .. layers + 1 on one engine. */
    public static OffloadStep[] wholeLayers(int layers, EngineKind engine) {
        OffloadStep[] steps = new OffloadStep[layers + 2];
        for (int n = 0; n < steps.length; n++) {
            steps[n] = new OffloadStep(n, 0, engine);
        }
        return steps;
    }
}
