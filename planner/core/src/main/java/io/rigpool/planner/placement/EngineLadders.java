package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Which engine runs a model, on which offload ladder, in order of preference: java-llama where it loads the
 * architecture and no expert needs to stay in RAM, llama-server otherwise. Each node takes the first ladder its
 * engines run ({@link ModelSpec#optionsOn}), so a node whose java-llama has no GPU backend but whose llama-server
 * has one runs the model on llama-server.
 */
public final class EngineLadders {

    private EngineLadders() {
    }

    /**
     * The ladders, most preferred first. A dense model: whole layers on java-llama, then on llama-server. A
     * mixture-of-experts model: experts kept in RAM on llama-server (its CPU-only and top rungs, which split
     * nothing, on java-llama where it loads the model), then the same all on llama-server, then whole layers on
     * java-llama (a node without llama-server).
     *
     * @param architecture {@code general.architecture}; "" when unknown (java-llama is assumed, as before engines)
     */
    public static List<OffloadStep[]> of(String architecture, int layers, boolean mixtureOfExperts) {
        boolean javaLlamaLoads = architecture.isEmpty()
                || EngineArchitectures.javaLlamaB4916().contains(architecture);
        List<OffloadStep[]> ladders = new ArrayList<>();
        if (mixtureOfExperts) {
            if (javaLlamaLoads) {
                ladders.add(OffloadStep.expertsInRam(layers, EngineKind.JAVA_LLAMA));
            }
            ladders.add(OffloadStep.expertsInRam(layers, EngineKind.LLAMA_SERVER));
        }
        if (javaLlamaLoads) {
            ladders.add(OffloadStep.wholeLayers(layers, EngineKind.JAVA_LLAMA));
        }
        if (!mixtureOfExperts) {
            ladders.add(OffloadStep.wholeLayers(layers, EngineKind.LLAMA_SERVER));
        }
        return ladders;
    }
}
