package io.rigpool.worker.models;

import io.rigpool.proto.v1.LocalModel;
import java.nio.file.Path;

/**
 * A model this PC can serve: where its (first) file is, and what the planner is told about it.
 *
 * @param path        the file llama.cpp opens (the first shard of a split model)
 * @param description id, size, architecture and per-layer bytes, as sent in the worker's hello
 * @param loadSteps   how many progress marks llama.cpp will log while loading its tensors (see
 *                    {@link io.rigpool.worker.runner.LoadProgress}), at least 1
 */
public record LocalModelFile(Path path, LocalModel description, int loadSteps) {

    public String modelId() {
        return description.getModelId();
    }
}
