package io.rigpool.bench.estimate;

import io.rigpool.infra.FreePorts;
import io.rigpool.planner.estimate.LoadParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads with llama.cpp's own llama-server (the llama-server engine's build), reads the buffers from its log once
 * the context is up, and ends the server: it would otherwise keep serving. {@code --n-cpu-moe} is passed as the
 * parameters say; on a machine without a GPU backend it changes no buffer (every tensor is on the CPU anyway), so
 * such rows check that the split loads and the CPU figures, not the GPU side.
 */
final class LlamaServerMeasurer implements LoadMeasurer {

    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);
    /** llama-server logs this once the model and its context are loaded, before it listens. */
    private static final String CONTEXT_UP = "output buffer size";
    private final Path binary;
    private final int threads;

    LlamaServerMeasurer(Path binary, int threads) {
        this.binary = binary;
        this.threads = threads;
    }

    @Override
    public String name() {
        return "llama-server (" + binary + "), buffers parsed from its log";
    }

    @Override
    public MeasuredLoad measure(Path model, LoadParameters p, Path workDir) throws Exception {
        Path log = workDir.resolve("llama-server.log");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-m", model.toString(),
                "-c", Integer.toString(p.contextSize()), "-np", Integer.toString(p.parallelSlots()),
                "-t", Integer.toString(threads), "-b", Integer.toString(p.batchSize()),
                "-ub", Integer.toString(p.microBatchSize()), "-ngl", Integer.toString(p.gpuLayers()),
                "--n-cpu-moe", Integer.toString(p.expertLayersOnCpu()), "-fa", p.flashAttention() ? "on" : "off",
                "-ctk", p.cacheTypeK().name().toLowerCase(Locale.ROOT),
                "-ctv", p.cacheTypeV().name().toLowerCase(Locale.ROOT), "--no-warmup", "--cache-ram", "0",
                "--host", "127.0.0.1", "--port", Integer.toString(FreePorts.find()), "-lv", "4"));
        if (!p.mmap()) {
            command.add("--no-mmap");
        }
        long start = System.nanoTime();
        Process process = ChildProcesses.start(command, log);
        try {
            boolean up = ChildProcesses.await(process, () -> logged(log, CONTEXT_UP) && logged(log, "compute buffer"),
                    LOAD_TIMEOUT);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!up) {
                throw new IllegalStateException("llama-server did not load within " + LOAD_TIMEOUT + " (exit "
                        + (process.isAlive() ? "-" : process.exitValue()) + "):\n" + ChildProcesses.tail(log));
            }
            List<String> lines = Files.readAllLines(log);
            return new MeasuredLoad(LlamaLogBuffers.buffers(lines), LlamaLogBuffers.build(lines), seconds);
        } finally {
            ChildProcesses.end(process);
        }
    }

    private static boolean logged(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
