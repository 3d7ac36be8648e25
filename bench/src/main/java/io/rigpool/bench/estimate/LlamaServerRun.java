package io.rigpool.bench.estimate;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.LlamaBuild;
import io.rigpool.planner.estimate.MemoryEstimator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The estimator against the llama-server engine's build: today's models of the catalogue (Qwen3-8B, Qwen3-30B-A3B,
 * gpt-oss-20b, Gemma-3-12B), written sparse as for b4916 and loaded by llama-server, with and without flash
 * attention, one and four slots, a long context where sliding windows matter, and the -ngl/--n-cpu-moe split of
 * the mixture-of-experts models. The two larger MoE models are cut to their first layers
 * ({@link RealModelShape#withBlockCount}: every per-layer shape, the vocabulary and the context buffers stay real)
 * so that a load fits beside everything else on a 24 GB machine.
 */
final class LlamaServerRun {

    /** Layers kept per shape (0: all). */
    private static final Map<String, Integer> CUT = Map.of("Qwen3-8B-Q4_K_M", 0, "Qwen3-30B-A3B-Q4_K_M", 12,
            "gpt-oss-20b-MXFP4", 8, "gemma-3-12b-it-Q4_K_M", 24);
    private static final Path DEFAULT_BINARY = Path.of(System.getProperty("user.home"),
            ".cache/rigpool/llama-server/node-llama-cpp-3.22.1/bin/llama-server");
    /** What the estimator follows in this build and not in b4916, for the results file. */
    static final List<String> CHANGES_SINCE_B4916 = List.of(
            "KV cache: a stream per slot of n_ctx/slots cells padded to 256 (llama-server without --kv-unified); "
                    + "b4916 has one cache of n_ctx cells padded to 32 (256 with flash attention)",
            "sliding-window layers keep window + n_ubatch cells per stream, padded to 256 (Gemma 3: 5 layers in 6, "
                    + "gpt-oss: every other one); b4916 gives them the full context",
            "flash attention on by default (-fa auto, which the CPU and CUDA backends support); b4916: off",
            "an AVX2 CPU repacks Q4_0, Q4_K, IQ4_NL and MXFP4 matrices, experts included, into CPU_REPACK; b4916 "
                    + "repacks Q4_0 into CPU_AARCH64",
            "compute buffer: llama-server reserves the worst-case graph with one output row per slot (b4916: one per "
                    + "prompt token); modelled, not replayed",
            "this machine has no GPU backend: the rows with n_gpu_layers (every layer and the output) and n_cpu_moe "
                    + "(half the layers) check that the split loads and its CPU buffers; every buffer is on the CPU, "
                    + "so they equal the CPU-only estimate");

    private LlamaServerRun() {
    }

    static void main(Path home, EstimatorAccuracyBenchmark.Arguments options) throws Exception {
        Path binary = options.llamaServer != null ? options.llamaServer : DEFAULT_BINARY;
        if (!Files.isExecutable(binary)) {
            System.err.println("no llama-server at " + binary + " (deploy/llama-server/build-from-npm.sh builds one)");
            System.exit(2);
        }
        List<String> modelFilter = options.models;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        LlamaServerMeasurer measurer = new LlamaServerMeasurer(binary, threads);
        MemoryEstimator estimator = new MemoryEstimator(EstimatorSettings.defaults()
                .withBuild(LlamaBuild.SNAPSHOT_2026_09));
        AccuracyReport report = new AccuracyReport();
        Path work = Files.createTempDirectory("rigpool-estimator-bench");
        long started = System.nanoTime();
        AccuracyReport.printHeader(System.out);
        try {
            for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(CUT).entrySet()) {
                RealModelShape shape = RealModelShapes.byName(e.getKey());
                if (!modelFilter.isEmpty() && modelFilter.stream().noneMatch(
                        f -> shape.name().toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)))) {
                    continue;
                }
                RealModelShape loaded = e.getValue() == 0 ? shape : shape.withBlockCount(e.getValue());
                EstimatorAccuracyBenchmark.measureShape(loaded, loads(loaded), estimator, measurer, report, work,
                        "llama-server");
            }
        } finally {
            EstimatorAccuracyBenchmark.deleteTree(work);
        }
        report.printSummary(System.out);
        System.out.printf(Locale.ROOT, "benchmark took %.1f min%n", (System.nanoTime() - started) / 60e9);
        Path results = home.resolve("bench/results/estimator.json");
        report.write(results, "llama-server", measurer.name(), CHANGES_SINCE_B4916);
        System.out.println("wrote " + results);
        System.exit(report.allWithinTarget() ? 0 : 1);
    }

    private static List<EstimatorAccuracyBenchmark.Load> loads(RealModelShape shape) {
        List<EstimatorAccuracyBenchmark.Load> loads = new ArrayList<>(List.of(
                new EstimatorAccuracyBenchmark.Load(4096, 1, true, 0, 0),
                new EstimatorAccuracyBenchmark.Load(4096, 1, false, 0, 0),
                new EstimatorAccuracyBenchmark.Load(8192, 4, true, 0, 0),
                new EstimatorAccuracyBenchmark.Load(32768, 1, true, 0, 0)));
        if (shape.hyperparameters().mixtureOfExperts()) {
            int layers = shape.blockCount();
            loads.add(new EstimatorAccuracyBenchmark.Load(4096, 1, true, layers + 1, layers / 2));
        }
        return loads;
    }
}
