package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.OffloadFit;
import java.util.List;

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
     * The ladder of a mixture-of-experts model on llama-server ({@link OffloadFit#expertsInRamLadder}): first the
     * attention and shared weights of whole layers with every expert in RAM, then the experts too, the last
     * layers' first. CPU only and the top level split nothing: they run on {@code wholeModelEngine} (java-llama
     * where it loads the architecture, which is preferred).
     */
    public static OffloadStep[] expertsInRam(int layers, EngineKind wholeModelEngine) {
        List<OffloadFit.Rung> rungs = OffloadFit.expertsInRamLadder(layers);
        OffloadStep[] steps = new OffloadStep[rungs.size()];
        for (int level = 0; level < steps.length; level++) {
            OffloadFit.Rung rung = rungs.get(level);
            boolean splits = rung.gpuLayers() > 0 && rung.expertLayersOnCpu() > 0;
            steps[level] = new OffloadStep(rung.gpuLayers(), rung.expertLayersOnCpu(),
                    splits ? EngineKind.LLAMA_SERVER : wholeModelEngine);
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
