package io.rigpool.bench.estimate;

import io.rigpool.bench.BenchCommandLine;
import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks the memory estimator against llama.cpp itself: writes every real-model shape of the catalogue as a GGUF
 * file with a sparse data region, loads it CPU-only (n_gpu_layers 0) at several contexts and slot counts, one load
 * at a time in its own process, and compares the buffers llama.cpp logged with the estimate. Loads that would not
 * fit in this machine's free RAM (every mapped page becomes resident) are skipped and recorded as such.
 *
 * <p>Run with {@code bench/run estimator [--models name,name] [--contexts 2048,8192] [--runner JAR] [--probe]};
 * it uses the packaged runner when worker/runner/target/rigpool-runner.jar exists (or {@code --runner}), else
 * (or with {@code --probe}) java-llama.cpp in a child JVM. {@code --engine llama-server [--llama-server PATH]}
 * loads today's models with llama.cpp's llama-server instead and checks the estimator's rules of that build
 * ({@link LlamaServerRun}). Writes its rows into {@code bench/results/estimator.json} beside the other engine's.
 */
public final class EstimatorAccuracyBenchmark {

    private static final long GIB = 1L << 30;
    /** The loading JVM, llama.cpp's own allocations and slack for everything else running here. */
    private static final long PROCESS_OVERHEAD = 768L << 20;
    private static final long SAFETY_MARGIN = GIB;

    /**
     * One load: context and slots; for llama-server also flash attention and what it is asked to offload (a
     * CPU-only build keeps every layer on the CPU whatever -ngl and --n-cpu-moe say).
     */
    record Load(int nCtx, int nParallel, boolean flashAttention, int askGpuLayers, int askExpertLayersOnCpu) {

        Load(int nCtx, int nParallel) {
            this(nCtx, nParallel, false, 0, 0);
        }
    }

    @Command(name = "bench/run estimator", mixinStandardHelpOptions = true,
            description = "The memory estimator against the buffers llama.cpp itself logs.")
    static final class Arguments {
        @Option(names = "--models", paramLabel = "NAME", split = ",",
                description = "fragments of the real-shape catalogue's names (default: every model)")
        List<String> models = List.of();
        @Option(names = "--contexts", paramLabel = "N", split = ",",
                description = "contexts with one slot each (default: 2048, 4096, 8192, 32768 and 8192 x 4 slots)")
        List<Integer> contexts = List.of();
        @Option(names = "--runner", paramLabel = "JAR", description = "the runner jar (default: the packaged one)")
        Path runner;
        @Option(names = "--probe", description = "load with java-llama.cpp in a child JVM instead of the runner")
        boolean probe;
        @Option(names = "--engine", paramLabel = "java-llama|llama-server", defaultValue = "java-llama")
        String engine;
        @Option(names = "--llama-server", paramLabel = "PATH",
                description = "the llama-server binary (with --engine llama-server)")
        Path llamaServer;
    }

    private EstimatorAccuracyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("rigpool.home", "."));
        Arguments options = BenchCommandLine.parse(new Arguments(), args);
        switch (options.engine) {
            case "java-llama" -> { }
            case "llama-server" -> {
                LlamaServerRun.main(home, options);
                return;
            }
            default -> {
                System.err.println("--engine: java-llama or llama-server, not '" + options.engine + "'");
                System.exit(2);
            }
        }
        List<String> modelFilter = options.models;
        List<Load> loads = loads(options.contexts);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        Path runnerJar = options.runner != null ? options.runner
                : home.resolve("worker/runner/target/rigpool-runner.jar");
        boolean useProbe = options.probe || !Files.isRegularFile(runnerJar);
        LoadMeasurer measurer = useProbe ? new ProbeMeasurer(threads) : new RunnerMeasurer(runnerJar, threads);
        System.out.println("measuring with: " + measurer.name());

        MemoryEstimator estimator = new MemoryEstimator();
        AccuracyReport report = new AccuracyReport();
        Path work = Files.createTempDirectory("rigpool-estimator-bench");
        long started = System.nanoTime();
        AccuracyReport.printHeader(System.out);
        try {
            for (RealModelShape shape : RealModelShapes.all()) {
                if (!EngineArchitectures.javaLlamaB4916().contains(shape.architecture())
                        || !modelFilter.isEmpty() && modelFilter.stream().noneMatch(
                        f -> shape.name().toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)))) {
                    continue;
                }
                measureShape(shape, loads, estimator, measurer, report, work, "java-llama");
            }
        } finally {
            deleteTree(work);
        }
        report.printSummary(System.out);
        System.out.printf(Locale.ROOT, "benchmark took %.1f min%n", (System.nanoTime() - started) / 60e9);
        Path results = home.resolve("bench/results/estimator.json");
        report.write(results, "java-llama", measurer.name(), List.of());
        System.out.println("wrote " + results);
        System.exit(report.allWithinTarget() ? 0 : 1);
    }

    static void measureShape(RealModelShape shape, List<Load> loads, MemoryEstimator estimator,
            LoadMeasurer measurer, AccuracyReport report, Path work, String engine) throws Exception {
        Path dir = Files.createDirectories(work.resolve(shape.name()));
        Path file = shape.write(dir);
        try {
            ModelGeometry model = ModelGeometry.of(GgufModel.open(file));
            for (Load load : loads) {
                // Estimated as this machine loads it (CPU only), asked for what the load's rung would be on a GPU.
                LoadParameters p = LoadParameters.defaults(load.nCtx()).withParallelSlots(load.nParallel())
                        .withFlashAttention(load.flashAttention());
                LoadParameters asked = p.withGpuLayers(load.askGpuLayers())
                        .withExpertLayersOnCpu(load.askExpertLayersOnCpu());
                MemoryEstimate estimate = estimator.estimate(model, p);
                long needed = shape.tensorBytes() + estimate.cpu().kvCache() + estimate.cpu().compute()
                        + estimate.cpu().output() + PROCESS_OVERHEAD;
                long available = availableMemory();
                if (needed > available - SAFETY_MARGIN) {
                    report.skip(new AccuracyReport.Skipped(shape.name(), load.nCtx(), load.nParallel(),
                            "needs about " + ByteSizes.format(needed) + " of RAM (weights become resident), "
                                    + ByteSizes.format(available) + " available"));
                    continue;
                }
                Path loadDir = Files.createDirectories(dir.resolve("ctx" + load.nCtx() + "-p" + load.nParallel()
                        + (load.flashAttention() ? "-fa" : "") + "-ngl" + load.askGpuLayers() + "-cmoe"
                        + load.askExpertLayersOnCpu()));
                MeasuredLoad measured;
                try {
                    measured = measurer.measure(file, asked, loadDir);
                } catch (Exception e) {
                    report.skip(new AccuracyReport.Skipped(shape.name(), load.nCtx(), load.nParallel(),
                            "load failed: " + e.getMessage()));
                    System.out.println("load failed: " + e.getMessage());
                    continue;
                }
                report.build(measured.llamaCppBuild());
                for (BufferKind kind : BufferKind.values()) {
                    long measuredBytes = measured.buffers().stream()
                            .filter(b -> b.device() == Device.CPU && b.kind() == kind).mapToLong(Buffer::bytes).sum();
                    // Summed as llama.cpp logs them: each buffer at 0.01 MiB (CPU_Mapped + CPU_REPACK, two KV caches).
                    long estimated = estimate.buffers().stream()
                            .filter(b -> b.device() == Device.CPU && b.kind() == kind)
                            .mapToLong(b -> AccuracyRow.asLoggedBytes(b.bytes())).sum();
                    AccuracyRow row = new AccuracyRow(shape.name(), load.nCtx(), load.nParallel(), kind, estimated,
                            measuredBytes, engine, measured.llamaCppBuild(), load.askGpuLayers(),
                            load.askExpertLayersOnCpu());
                    report.add(row);
                    AccuracyReport.print(System.out, row);
                }
                System.out.printf(Locale.ROOT, "  (loaded in %.1f s)%n", measured.loadSeconds());
            }
        } finally {
            // Deleting the file also drops its pages from the page cache before the next model.
            deleteTree(dir);
        }
    }

    private static List<Load> loads(List<Integer> contexts) {
        List<Load> loads = new ArrayList<>();
        if (contexts.isEmpty()) {
            loads.add(new Load(2048, 1));
            loads.add(new Load(4096, 1));
            loads.add(new Load(8192, 1));
            loads.add(new Load(8192, 4));
            loads.add(new Load(32768, 1));
            return loads;
        }
        contexts.forEach(c -> loads.add(new Load(c, 1)));
        return loads;
    }

    /** MemAvailable from /proc/meminfo: free memory plus what the kernel can reclaim (page cache). */
    static long availableMemory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
