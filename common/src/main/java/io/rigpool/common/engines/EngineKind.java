package io.rigpool.common.engines;

import java.util.Optional;

/**
 * The ways a worker runs llama.cpp, by the name the worker reports ({@code Engine.kind}), the planner assigns
 * ({@code Assignment.engine}) and the runner's {@code --engine} takes: one spelling.
 */
public enum EngineKind {
    /** java-llama.cpp inside a runner JVM: llama.cpp b4916, the default engine. */
    JAVA_LLAMA("java-llama", false, false),
    /** llama.cpp's own llama-server as a child process on loopback: a current build. */
    LLAMA_SERVER("llama-server", true, true);

    private final String id;
    private final boolean keepsExpertsInRam;
    private final boolean speaksOpenAiInDepth;

    EngineKind(String id, boolean keepsExpertsInRam, boolean speaksOpenAiInDepth) {
        this.id = id;
        this.keepsExpertsInRam = keepsExpertsInRam;
        this.speaksOpenAiInDepth = speaksOpenAiInDepth;
    }

    /**
     * Whether the engine reports token log probabilities and calls tools (renders them with the model's jinja
     * template, parses the calls). java-llama.cpp 4.2.0 aborts the process on token probabilities and parses no
     * calls; llama-server does both natively.
     */
    public boolean speaksOpenAiInDepth() {
        return speaksOpenAiInDepth;
    }

    /** The name on the wire. */
    public String id() {
        return id;
    }

    /**
     * Whether the engine can keep a mixture-of-experts layer's expert tensors in RAM while the rest of the layer
     * is on the GPU ({@code --n-cpu-moe}); b4916 has no such option.
     */
    public boolean keepsExpertsInRam() {
        return keepsExpertsInRam;
    }

    /** The kind named {@code id}; an empty name is the default engine (a worker or plan that predates engines). */
    public static Optional<EngineKind> byId(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of(JAVA_LLAMA);
        }
        for (EngineKind kind : values()) {
            if (kind.id.equals(id)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The wire name, so that messages and logs read "llama-server", not LLAMA_SERVER. */
    @Override
    public String toString() {
        return id;
    }
}
