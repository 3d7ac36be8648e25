package io.rigpool.bench.estimate;

import io.rigpool.planner.estimate.LoadParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Loads with java-llama.cpp in a child JVM ({@link LlamaLoadProbe}) and reads llama.cpp's log itself. */
final class ProbeMeasurer implements LoadMeasurer {

    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);
    private final int threads;

    ProbeMeasurer(int threads) {
        this.threads = threads;
    }

    @Override
    public String name() {
        return "java-llama.cpp 4.2.0 in a child JVM (runner jar not built), buffers parsed from llama.cpp's log";
    }

    @Override
    public MeasuredLoad measure(Path model, LoadParameters p, Path workDir) throws Exception {
        Path libDir = Files.createDirectories(workDir.resolve("lib"));
        Path log = workDir.resolve("llama.log");
        Path output = workDir.resolve("probe.out");
        List<String> command = List.of(ChildProcesses.javaBinary(), "-Xmx256m",
                "-Dde.kherud.llama.tmpdir=" + libDir, "-cp", System.getProperty("java.class.path"),
                LlamaLoadProbe.class.getName(), model.toString(), Integer.toString(p.contextSize()),
                Integer.toString(p.parallelSlots()), Integer.toString(threads), Integer.toString(p.batchSize()),
                Integer.toString(p.microBatchSize()), Boolean.toString(p.flashAttention()),
                p.cacheTypeK().name().toLowerCase(Locale.ROOT), p.cacheTypeV().name().toLowerCase(Locale.ROOT),
                Boolean.toString(p.mmap()), log.toString());
        long start = System.nanoTime();
        Process process = ChildProcesses.start(command, output);
        boolean ended = ChildProcesses.await(process, () -> !process.isAlive(), LOAD_TIMEOUT);
        if (!ended) {
            ChildProcesses.end(process);
            throw new IllegalStateException("load did not finish within " + LOAD_TIMEOUT);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("load failed (exit " + process.exitValue() + "):\n"
                    + ChildProcesses.tail(log) + "\n" + ChildProcesses.tail(output));
        }
        List<String> lines = Files.readAllLines(log);
        return new MeasuredLoad(LlamaLogBuffers.buffers(lines), LlamaLogBuffers.build(lines), seconds);
    }
}
