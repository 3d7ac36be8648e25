package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.placement.NodeEngine;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.WorkerHello;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The engines a worker says it runs models with, as the optimiser sees them. A worker that reports none (one from
 * before engines) has java-llama with b4916, whose GPU backend its hello's probe proved or not. An engine of a kind
 * this planner does not know is left out: no plan could name it.
 */
final class NodeEngines {

    private NodeEngines() {
    }

    static List<NodeEngine> of(WorkerHello hello) {
        if (hello.getEnginesCount() == 0) {
            return List.of(NodeEngine.javaLlamaB4916(GpuBackend.backendProven(hello)));
        }
        List<NodeEngine> engines = new ArrayList<>();
        for (Engine e : hello.getEnginesList()) {
            Optional<EngineKind> kind = EngineKind.byId(e.getKind()).filter(k -> !e.getKind().isEmpty());
            if (kind.isEmpty()) {
                continue;
            }
            // java-llama's architectures are b4916's whatever the worker lists; its GPU proof is the backend probe.
            boolean javaLlama = kind.get() == EngineKind.JAVA_LLAMA;
            List<String> architectures = javaLlama && e.getArchitecturesCount() == 0
                    ? List.copyOf(EngineArchitectures.javaLlamaB4916()) : e.getArchitecturesList();
            boolean gpu = gpuProven(e) || javaLlama && GpuBackend.backendProven(hello);
            String build = e.getLlamaCppBuild().isBlank() && javaLlama ? EngineArchitectures.JAVA_LLAMA_BUILD
                    : e.getLlamaCppBuild();
            engines.add(new NodeEngine(kind.get(), build, Set.copyOf(architectures), gpu,
                    e.getUnusableReason()));
        }
        return engines;
    }

    /** Whether a usable engine of the hello proved a GPU backend ("cuda", "vulkan", ...: anything but "cpu"). */
    static boolean anyGpuProven(WorkerHello hello) {
        return hello.getEnginesList().stream().anyMatch(e -> e.getUnusableReason().isBlank() && gpuProven(e));
    }

    private static boolean gpuProven(Engine e) {
        return e.getBackendsList().stream().map(b -> b.trim().toLowerCase(Locale.ROOT))
                .anyMatch(b -> !b.isEmpty() && !b.equals("cpu"));
    }
}
