package io.rigpool.local;

import io.rigpool.gguf.tiny.TinyChatModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a local stack of the end-to-end tests is made of: its worker count, the settings every worker gets, the
 * models in its model directory (none: the worker's generated demo model) and whether the workers have the
 * llama-server engine. Test classes whose configurations are equal share one running stack ({@link LocalStackExtension});
 * an {@linkplain #exclusive() exclusive} one is started for its class alone and stopped after it, for tests that
 * strike faults at the stack.
 *
 * @param name names the stack in logs and in the folder its services' logs are kept in; not part of equality
 * @param modelFiles writes further files into the model directory (a test's corrupt files); compared by identity,
 *     so only classes handing over the very same instance share
 */
record StackConfig(String name, int workers, Map<String, String> workerSettings, List<TinyChatModel.Spec> models,
        boolean llamaServer, boolean exclusive, Consumer<Path> modelFiles) {

    StackConfig {
        workerSettings = Map.copyOf(new TreeMap<>(workerSettings));
        models = List.copyOf(models);
    }

    /** {@code workers} workers serving the generated demo model, default settings. */
    static StackConfig demo(String name, int workers) {
        return new StackConfig(name, workers, Map.of(), List.of(), false, false, null);
    }

    /** One worker serving these generated models from a model directory of the stack's own. */
    static StackConfig models(String name, TinyChatModel.Spec... models) {
        return new StackConfig(name, 1, Map.of(), List.of(models), false, false, null);
    }

    /**
     * One worker with both engines serving the three generated architectures: a llama model (java-llama.cpp), a
     * qwen3 and a qwen3moe model (llama-server only).
     */
    static StackConfig bothEngines() {
        return models("both-engines", TinyChatModel.Spec.standard(), TinyChatModel.Spec.qwen3(),
                TinyChatModel.Spec.qwen3Moe()).withLlamaServer();
    }

    StackConfig withLlamaServer() {
        return new StackConfig(name, workers, workerSettings, models, true, exclusive, modelFiles);
    }

    StackConfig withWorkerSettings(Map<String, String> settings) {
        return new StackConfig(name, workers, settings, models, llamaServer, exclusive, modelFiles);
    }

    StackConfig withModelFiles(Consumer<Path> writer) {
        return new StackConfig(name, workers, workerSettings, models, llamaServer, exclusive, writer);
    }

    /** A stack of the class's own, stopped after it: its tests kill or restart parts of it. */
    StackConfig exclusively() {
        return new StackConfig(name, workers, workerSettings, models, llamaServer, true, modelFiles);
    }

    /** Whether the stack has a model directory of its own (else the worker generates its demo model). */
    boolean hasModelDir() {
        return !models.isEmpty() || modelFiles != null;
    }

    /** Equal configurations share a stack: everything but the name. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StackConfig c && workers == c.workers && llamaServer == c.llamaServer
                && exclusive == c.exclusive && workerSettings.equals(c.workerSettings) && models.equals(c.models)
                && modelFiles == c.modelFiles;
    }

    @Override
    public int hashCode() {
        return Objects.hash(workers, workerSettings, models, llamaServer, exclusive,
                System.identityHashCode(modelFiles));
    }

    /** Orders test classes so that those sharing a stack run one after the other. */
    String sortKey() {
        return (exclusive ? "1-" : "0-") + workers + "-" + llamaServer + "-" + workerSettings + "-"
                + models.stream().map(TinyChatModel.Spec::name).toList() + "-"
                + (modelFiles == null ? "" : Integer.toHexString(System.identityHashCode(modelFiles)));
    }

    @Override
    public String toString() {
        return name + " (" + workers + " worker" + (workers == 1 ? "" : "s")
                + (models.isEmpty() ? ", demo model" : ", " + models.stream().map(TinyChatModel.Spec::name).toList())
                + (llamaServer ? ", llama-server" : "") + (workerSettings.isEmpty() ? "" : ", " + workerSettings)
                + (modelFiles == null ? "" : ", extra model files") + (exclusive ? ", exclusive" : "") + ")";
    }
}
