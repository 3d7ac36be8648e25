package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;

/**
 * Which engine runs a model and on which offload ladder: java-llama where it loads the architecture and no
 * experts need to stay in RAM, llama-server otherwise. A mixture-of-experts model gets the ladder that keeps
 * experts in RAM ({@link OffloadStep#expertsInRam}) on nodes with a llama-server; where java-llama loads it too,
 * nodes without one keep whole layers.
 *
 * @param defaultLadder the ladder of nodes that run every step of it (see {@link ModelSpec#optionsOn})
 * @param expertOffloadLadder for a mixture-of-experts model java-llama loads as well: the ladder of nodes with a
 *     llama-server; null otherwise
 */
public record EngineLadders(OffloadStep[] defaultLadder, OffloadStep[] expertOffloadLadder) {

    /**
     * @param architecture {@code general.architecture}; "" when unknown (java-llama is assumed, as before engines)
     */
    public static EngineLadders of(String architecture, int layers, boolean mixtureOfExperts) {
        boolean javaLlamaLoads = architecture.isEmpty()
                || EngineArchitectures.javaLlamaB4916().contains(architecture);
        EngineKind whole = javaLlamaLoads ? EngineKind.JAVA_LLAMA : EngineKind.LLAMA_SERVER;
        if (!mixtureOfExperts) {
            return new EngineLadders(OffloadStep.wholeLayers(layers, whole), null);
        }
        OffloadStep[] experts = OffloadStep.expertsInRam(layers, whole);
        return javaLlamaLoads ? new EngineLadders(OffloadStep.wholeLayers(layers, whole), experts)
                : new EngineLadders(experts, null);
    }
}
