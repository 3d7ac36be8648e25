package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import java.util.Set;

/**
 * One way a node runs llama.cpp, as the optimiser sees it: which engine, which build, which architectures it loads
 * and, when a probe failed, why it cannot be used.
 *
 * @param build the llama.cpp build as the worker reported it ("b4916", "2026-09-28 (de3ff81)")
 * @param gpuProven whether a probe load proved a GPU backend for this engine (its layers really go to the GPU)
 * @param unusableReason why the engine is listed but not usable, "" when it is usable
 */
public record NodeEngine(EngineKind kind, String build, Set<String> architectures, boolean gpuProven,
        String unusableReason) {

    public NodeEngine {
        architectures = Set.copyOf(architectures);
        build = build == null ? "" : build;
        unusableReason = unusableReason == null ? "" : unusableReason;
    }

    /**
     * What a worker that reports no engines has: java-llama.cpp 4.2.0, llama.cpp b4916, with the GPU backend its
     * hello proved or not.
     */
    public static NodeEngine javaLlamaB4916(boolean gpuProven) {
        return new NodeEngine(EngineKind.JAVA_LLAMA, EngineArchitectures.JAVA_LLAMA_BUILD,
                EngineArchitectures.javaLlamaB4916(), gpuProven, "");
    }

    public boolean usable() {
        return unusableReason.isBlank();
    }

    /**
     * Whether it can run a model of this architecture; an unknown architecture ("", a worker that sent none) is
     * taken to load wherever the default engine runs, as before engines were reported.
     */
    public boolean loads(String architecture) {
        if (!usable()) {
            return false;
        }
        return architecture == null || architecture.isEmpty() ? kind == EngineKind.JAVA_LLAMA
                : architectures.contains(architecture);
    }

    /** "java-llama b4916", "llama-server 2026-09-28 (de3ff81)". */
    public String label() {
        return kind.id() + (build.isEmpty() ? "" : " " + build);
    }
}
