package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.LlamaBuild;
import io.rigpool.planner.estimate.MemoryEstimator;

/** The memory estimator of each engine, under the rules of the llama.cpp build it runs. */
@FunctionalInterface
public interface EngineEstimators {

    MemoryEstimator of(EngineKind engine);

    /**
     * java-llama under b4916's rules, llama-server under the newest build's the estimator knows (an owner's own
     * llama-server of another build is estimated by them too, until its runners report their buffers).
     */
    static EngineEstimators of(EstimatorSettings settings) {
        MemoryEstimator javaLlama = new MemoryEstimator(settings.withBuild(LlamaBuild.B4916));
        MemoryEstimator llamaServer = new MemoryEstimator(settings.withBuild(LlamaBuild.SNAPSHOT_2026_09));
        return kind -> kind == EngineKind.LLAMA_SERVER ? llamaServer : javaLlama;
    }

    /** The build whose rules estimate the engine's runners. */
    static LlamaBuild buildOf(EngineKind engine) {
        return engine == EngineKind.LLAMA_SERVER ? LlamaBuild.SNAPSHOT_2026_09 : LlamaBuild.B4916;
    }
}
