package io.rigpool.runner;

import io.rigpool.gguf.GgufModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a failed load into a sentence that names the problem. llama.cpp writes the specific reason (missing key,
 * missing tensor, truncated data) to its log file, but a file that is not GGUF at all only gets "failed to load
 * model from PATH" there (the detail goes to stderr); for that case the project's own GGUF reader says what is
 * wrong with the header.
 */
final class LoadFailureReason {

    private static final String GENERIC = "failed to load model from";

    private LoadFailureReason() {
    }

    /** Checked before loading: llama.cpp's message for a missing file is no clearer than for a corrupt one. */
    static Optional<String> unreadable(Path model) {
        if (!Files.exists(model)) {
            return Optional.of("model file not found: " + model);
        }
        if (!Files.isRegularFile(model)) {
            return Optional.of("model path is not a file: " + model);
        }
        if (!Files.isReadable(model)) {
            return Optional.of("model file is not readable: " + model);
        }
        return Optional.empty();
    }

    static String describe(Path model, LlamaLoadLog log) {
        Optional<String> llama = log.loadError();
        if (llama.isPresent() && !llama.get().contains(GENERIC)) {
            return "llama.cpp could not load " + model + ": " + llama.get();
        }
        Optional<String> header = headerProblem(model);
        if (header.isPresent()) {
            return "not a valid GGUF model: " + header.get();
        }
        return "llama.cpp could not load " + model + ": " + llama.orElse("no reason in its log");
    }

    private static Optional<String> headerProblem(Path model) {
        try {
            GgufModel.open(model).blockCount();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }
}
