package io.rigpool.worker.runner;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.proto.v1.Assignment;
import java.nio.file.Path;

/**
 * What a runner process is started with. Two specs that differ mean two different processes: changing any of it
 * restarts the runner, since llama.cpp fixes offload and context at load time.
 */
public record RunnerSpec(String modelId, Path modelPath, int gpuLayers, int ctxSize, int slots, EngineKind engine,
        int nCpuMoe) {

    /** A runner of the default engine, java-llama.cpp. */
    public RunnerSpec(String modelId, Path modelPath, int gpuLayers, int ctxSize, int slots) {
        this(modelId, modelPath, gpuLayers, ctxSize, slots, EngineKind.JAVA_LLAMA, 0);
    }

    public RunnerSpec {
        if (nCpuMoe < 0 || (nCpuMoe > 0 && engine != EngineKind.LLAMA_SERVER)) {
            throw new IllegalArgumentException("n_cpu_moe " + nCpuMoe + " needs the llama-server engine, not "
                    + engine);
        }
        if (gpuLayers < 0) {
            throw new IllegalArgumentException("n_gpu_layers must not be negative, was " + gpuLayers);
        }
        if (ctxSize < 1 || slots < 1 || ctxSize < slots) {
            throw new IllegalArgumentException("n_ctx " + ctxSize + " cannot hold " + slots + " slots");
        }
    }

    /** The planner leaves parallel_slots 0 when it does not care; one slot is the least a runner has. */
    public static RunnerSpec of(Assignment assignment, Path modelPath) {
        int slots = Math.max(1, assignment.getParallelSlots());
        EngineKind engine = EngineKind.byId(assignment.getEngine()).orElseThrow(() ->
                new IllegalArgumentException("engine '" + assignment.getEngine() + "' is not one this worker knows"));
        return new RunnerSpec(assignment.getModelId(), modelPath, assignment.getNGpuLayers(), assignment.getNCtx(),
                slots, engine, assignment.getNCpuMoe());
    }
}
