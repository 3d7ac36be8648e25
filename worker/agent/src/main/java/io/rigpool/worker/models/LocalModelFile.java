package io.rigpool.worker.models;

import io.rigpool.proto.v1.LocalModel;
import java.nio.file.Path;

/**
 * A model this PC can serve: where its (first) file is, and what the planner is told about it.
 *
 * @param path        the file llama.cpp opens (the first shard of a split model)
 * @param description id, size, architecture and per-layer bytes, as sent in the worker's hello
 */
public record LocalModelFile(Path path, LocalModel description) {

    public String modelId() {
        return description.getModelId();
    }
}
