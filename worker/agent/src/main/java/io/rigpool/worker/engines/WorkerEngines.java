package io.rigpool.worker.engines;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engines this worker reports in its hello: java-llama.cpp always, as its backend probe proved it, and
 * llama-server where the owner installed one and its probe load worked.
 */
public final class WorkerEngines {

    private WorkerEngines() {
    }

    public static List<Engine> of(Backend javaLlama, Optional<Engine> llamaServer) {
        List<Engine> engines = new ArrayList<>();
        engines.add(javaLlama(javaLlama));
        llamaServer.ifPresent(engines::add);
        return List.copyOf(engines);
    }

    static Engine javaLlama(Backend backend) {
        Engine.Builder engine = Engine.newBuilder()
                .setKind(EngineKind.JAVA_LLAMA.id())
                .setLlamaCppBuild(backend.getLlamaCppBuild().isEmpty() ? EngineArchitectures.JAVA_LLAMA_BUILD
                        : backend.getLlamaCppBuild())
                .addBackends("cpu")
                .addAllArchitectures(EngineArchitectures.javaLlamaB4916())
                .setSource(backend.getLibrary());
        if (backend.getGpuProven()) {
            engine.addBackends(backend.getKind());
        }
        return engine.build();
    }
}
