package io.rigpool.bench.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.bench.BenchCommandLine;
import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.common.files.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run engines [--threads N] [--tokens N] [--runs N] [--out FILE]}: per engine, which llama.cpp build it is, which
 * architectures it loads, and how fast a job runs through the worker (Kafka, worker, runner) against the same
 * engine called directly with the same model and settings: java-llama.cpp in this JVM, and the very llama-server the
 * worker's runner started, over HTTP. Records {@code bench/results/engines.json}.
 */
public final class EngineBenchmark {

    /** Architectures of the models people run on gaming PCs in late 2026, to show which engine loads which. */
    private static final List<String> TODAYS = List.of("llama", "qwen2", "gemma2", "qwen3", "qwen3moe", "qwen35",
            "gpt-oss", "llama4", "gemma3", "gemma3n", "gemma4", "glm4moe", "deepseek2", "mistral3");
    private static final double TARGET = 0.97;

    @Command(name = "bench/run engines", mixinStandardHelpOptions = true,
            description = "Per engine: build, architectures, worker against direct; records bench/results/engines.json.")
    static final class Arguments {
        @Option(names = "--threads", paramLabel = "N", description = "llama.cpp threads (default: every CPU)")
        Integer threads;
        @Option(names = "--tokens", paramLabel = "N", defaultValue = "128", description = "max_tokens per job")
        int tokens;
        @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "jobs per path")
        int runs;
        @Option(names = "--out", paramLabel = "FILE", description = "results file")
        Path out;
    }

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("rigpool.home", ".")).toAbsolutePath().normalize();
        Arguments options = BenchCommandLine.parse(new Arguments(), args);
        int cpus = Runtime.getRuntime().availableProcessors();
        // llama.cpp's threads; with all of the machine's, the worker's own work per token takes CPU from them.
        int threads = options.threads != null ? options.threads : cpus;
        int tokens = options.tokens;
        int runs = options.runs;
        Path resultsFile = options.out != null ? options.out : home.resolve("bench/results/engines.json");
        WorkerThroughputBenchmark.requireBuilt(home.resolve("worker/runner/target/rigpool-runner.jar"));
        WorkerThroughputBenchmark.requireBuilt(home.resolve("worker/agent/target/quarkus-app/quarkus-run.jar"));
        Optional<Path> llamaServer = LlamaServerInstall.locate();
        Workload workload = new Workload(threads, 2, 512, tokens);

        Path work = Files.createTempDirectory("rigpool-engine-bench");
        Path model = BenchModel.ensure(Path.of(System.getProperty("java.io.tmpdir"), "rigpool-bench-models"));
        Path onlyTheModel = Files.createDirectories(work.resolve("models"));
        Files.createSymbolicLink(onlyTheModel.resolve(model.getFileName()), model);
        String loadBefore = WorkerThroughputBenchmark.loadAverage();
        long began = System.nanoTime();

        List<Map<String, Object>> engines = new ArrayList<>();
        DirectLoop direct = new DirectLoop(model, workload, work.resolve("direct-llama.log"));
        try (WorkerPath worker = new WorkerPath(home, onlyTheModel, BenchModel.name(), workload,
                work.resolve("java-llama"))) {
            Map<String, WorkerThroughputBenchmark.Job> paths = new LinkedHashMap<>();
            paths.put("direct", direct::generate);
            paths.put("worker", job -> worker.run(List.of(job)).get(0));
            engines.add(row("java-llama", EngineArchitectures.JAVA_LLAMA_BUILD,
                    "java-llama.cpp 4.2.0 in the benchmark's JVM", EngineArchitectures.javaLlamaB4916(),
                    WorkerThroughputBenchmark.interleaved(paths, runs)));
        }
        if (llamaServer.isPresent()) {
            Path runDir = work.resolve("llama-server");
            try (WorkerPath worker = new WorkerPath(home, onlyTheModel, BenchModel.name(), workload, runDir,
                    llamaServer)) {
                LlamaServerDirect server = LlamaServerDirect.of(runDir.resolve("runners"), workload);
                Map<String, WorkerThroughputBenchmark.Job> paths = new LinkedHashMap<>();
                paths.put("direct", server::generate);
                paths.put("worker", job -> worker.run(List.of(job)).get(0));
                Path buildFile = llamaServer.get().toAbsolutePath().getParent().resolveSibling("build.txt");
                String build = Files.isRegularFile(buildFile)
                        ? LlamaServerInstall.versionIn(Files.readString(buildFile)).orElse("unknown") : "unknown";
                engines.add(row("llama-server", build, "the worker's own llama-server over HTTP ("
                        + llamaServer.get() + ")", LlamaServerInstall.architectures(llamaServer.get()),
                        WorkerThroughputBenchmark.interleaved(paths, runs)));
            }
        } else {
            System.out.println("no llama-server here (deploy/llama-server/build-from-npm.sh builds one): java-llama"
                    + " only");
        }

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", BenchModel.name() + " (llama architecture, which both engines load; F16, "
                + Math.round(Files.size(model) / 1e6) + " MB)");
        results.put("engines", engines);
        results.put("target_worker_vs_direct", TARGET);
        results.put("threads", threads);
        results.put("slots", workload.slots());
        results.put("tokens_per_job", tokens);
        results.put("runs", runs);
        results.put("how", "tok/s = completion tokens / wall time from asking (Kafka publish for the worker, the call"
                + " for direct) to the last token or result; medians of interleaved runs after a warm-up job each;"
                + " the worker runs the model with the engine the benchmark's planner assigns");
        results.put("host", Map.of("cpus", cpus, "load_average_before", loadBefore, "load_average_after",
                WorkerThroughputBenchmark.loadAverage()));
        Files.createDirectories(resultsFile.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(resultsFile.toFile(), results);
        // The Kafka log and the runners' folders; the model stays cached for the next run.
        Directories.deleteRecursively(work);
        System.out.printf(Locale.ROOT, "took %.1f min; wrote %s%n", (System.nanoTime() - began) / 60e9, resultsFile);
        System.exit(0);
    }

    private static Map<String, Object> row(String engine, String build, String direct, Set<String> architectures,
            Map<String, Measurement> medians) {
        Measurement d = medians.get("direct");
        Measurement w = medians.get("worker");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("engine", engine);
        row.put("llama_cpp_build", build);
        row.put("architectures", architectures.size());
        Map<String, Boolean> todays = new LinkedHashMap<>();
        TODAYS.forEach(a -> todays.put(a, architectures.contains(a)));
        row.put("loads_todays_architectures", todays);
        row.put("direct", direct);
        row.put("direct_tps", WorkerThroughputBenchmark.round(d.endToEndTps()));
        row.put("worker_tps", WorkerThroughputBenchmark.round(w.endToEndTps()));
        double ratio = w.endToEndTps() / d.endToEndTps();
        row.put("worker_vs_direct", WorkerThroughputBenchmark.round(ratio));
        row.put("meets_target", ratio >= TARGET);
        row.put("decode_only_tps", Map.of("direct", WorkerThroughputBenchmark.round(d.decodeTps()), "worker",
                WorkerThroughputBenchmark.round(w.decodeTps())));
        System.out.printf(Locale.ROOT, "%s: worker %.2f tok/s, direct %.2f tok/s, worker/direct %.3f%n", engine,
                w.endToEndTps(), d.endToEndTps(), ratio);
        return row;
    }
}
