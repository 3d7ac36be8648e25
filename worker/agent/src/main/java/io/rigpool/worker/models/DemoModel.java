package io.rigpool.worker.models;

import io.rigpool.gguf.tiny.TinyChatModel;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model a worker serves when no model directory is configured: the tiny generated chat model, so that a fresh
 * clone runs end to end without downloading weights; with the llama-server engine also a tiny mixture of experts of
 * an architecture only that engine loads (qwen3moe), so that the demo shows both engines.
 */
public final class DemoModel {

    private DemoModel() {
    }

    /**
     * Writes the demo model into the directory unless it is there already; returns the directory. Written under a
     * temporary name and moved into place, so that two workers starting at once never read a half-written file.
     */
    public static Path ensure(Path dir) throws IOException {
        return ensure(dir, false);
    }

    /** @param withLlamaServer also the qwen3moe model, which only the llama-server engine loads */
    public static Path ensure(Path dir, boolean withLlamaServer) throws IOException {
        ensureModel(dir, TinyChatModel.Spec.standard());
        if (withLlamaServer) {
            ensureModel(dir, TinyChatModel.Spec.qwen3Moe());
        }
        return dir;
    }

    /** Writes one generated model into the directory unless it is there already, as above; returns its file. */
    public static Path ensureModel(Path dir, TinyChatModel.Spec spec) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(spec.name() + ".gguf");
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path temp = Files.createTempFile(dir, spec.name() + ".", ".partial");
        try {
            TinyChatModel.write(temp, spec);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Another worker won the race with the same content.
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }
}
