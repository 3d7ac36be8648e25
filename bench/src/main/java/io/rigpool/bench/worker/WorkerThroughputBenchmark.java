package io.rigpool.bench.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.bench.BenchCommandLine;
import io.rigpool.common.files.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the worker costs and what parallel slots bring, on one generated model and one thread count:
 * <ol>
 * <li>direct: java-llama.cpp in this JVM, one job at a time (the baseline);</li>
 * <li>runner: the packaged runner process over loopback gRPC, one job and then 2, 4 and 8 at once (what llama.cpp's
 * slots give without the worker around them);</li>
 * <li>worker: the packaged worker app with its runner, jobs through a real Kafka broker, timed from publication
 * to the arrival of the result;</li>
 * <li>concurrent: 1, 2, 4 and 8 jobs published at once to the worker, aggregate tokens per second (two rounds,
 * taking turns with the runner alone).</li>
 * </ol>
 * Single-job figures are the median of {@code --runs} jobs per path (default 5), run in interleaved rounds (one job
 * on each path in turn) after a warm-up job on each, so that a drift of the shared machine's speed hits all paths.
 *
 * <p>Run with {@code bench/run worker [--threads N] [--tokens N] [--runs N] [--concurrency 1,2,4,8] [--out FILE]};
 * needs the packaged runner and worker ({@code ./mvnw -pl worker/runner,worker/agent install -DskipTests}). Writes
 * {@code bench/results/worker.json} unless {@code --out} names another file.
 */
public final class WorkerThroughputBenchmark {

    private static final int SLOT_CONTEXT = 512;
    private static final int CONCURRENT_ROUNDS = 2;

    @Command(name = "bench/run worker", mixinStandardHelpOptions = true,
            description = "Job speed direct, through the runner and through the worker; records bench/results/worker.json.")
    static final class Arguments {
        @Option(names = "--threads", paramLabel = "N", description = "llama.cpp threads (default: every CPU)")
        Integer threads;
        @Option(names = "--tokens", paramLabel = "N", defaultValue = "192", description = "max_tokens per job")
        int tokens;
        @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "jobs per path")
        int runs;
        @Option(names = "--concurrency", paramLabel = "N,N", split = ",", defaultValue = "1,2,4,8",
                description = "jobs at once")
        List<Integer> concurrency;
        @Option(names = "--out", paramLabel = "FILE", description = "results file")
        Path out;
    }

    private WorkerThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("rigpool.home", ".")).toAbsolutePath().normalize();
        Arguments options = BenchCommandLine.parse(new Arguments(), args);
        int threads = options.threads != null ? options.threads : Runtime.getRuntime().availableProcessors();
        int tokens = options.tokens;
        int runs = options.runs;
        List<Integer> concurrency = options.concurrency;
        Path resultsFile = options.out != null ? options.out : home.resolve("bench/results/worker.json");
        Workload workload = new Workload(threads, Math.max(2, concurrency.stream().max(Integer::compare)
                .orElse(8)), SLOT_CONTEXT, tokens);
        requireBuilt(home.resolve("worker/runner/target/rigpool-runner.jar"));
        requireBuilt(home.resolve("worker/agent/target/quarkus-app/quarkus-run.jar"));

        Path work = Files.createTempDirectory("rigpool-worker-bench");
        Path modelDir = Path.of(System.getProperty("java.io.tmpdir"), "rigpool-bench-models");
        long began = System.nanoTime();
        Path model = BenchModel.ensure(modelDir);
        System.out.printf(Locale.ROOT, "model %s, %.0f MB; %d threads, %d slots x %d context, %d tokens per job%n",
                model.getFileName(), Files.size(model) / 1e6, threads, workload.slots(), SLOT_CONTEXT, tokens);
        String loadBefore = loadAverage();
        Path onlyTheModel = Files.createDirectories(work.resolve("models"));
        Files.createSymbolicLink(onlyTheModel.resolve(model.getFileName()), model);

        DirectLoop direct = new DirectLoop(model, workload, work.resolve("direct-llama.log"));
        Map<String, Measurement> single;
        Map<String, Double> runnerConcurrent;
        Map<String, Double> concurrent;
        try (RunnerPath runner = new RunnerPath(home.resolve("worker/runner/target/rigpool-runner.jar"), model,
                workload, work.resolve("runner"));
                WorkerPath worker = new WorkerPath(home, onlyTheModel, BenchModel.name(), workload,
                        work.resolve("worker"))) {
            Map<String, Job> paths = new LinkedHashMap<>();
            paths.put("direct", direct::generate);
            paths.put("runner", runner::generate);
            paths.put("worker", job -> worker.run(List.of(job)).get(0));
            single = interleaved(paths, runs);
            Map<String, Batch> batches = new LinkedHashMap<>();
            batches.put("runner", runner::generateAtOnce);
            batches.put("worker", worker::run);
            Map<String, Map<String, Double>> atOnce = concurrency(batches, single, concurrency);
            runnerConcurrent = atOnce.get("runner");
            concurrent = atOnce.get("worker");
        }
        Measurement directTps = single.get("direct");
        Measurement runnerTps = single.get("runner");
        Measurement workerTps = single.get("worker");

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", BenchModel.name() + " (8 layers shaped like TinyLlama-1.1B's: 2048 wide, FFN 5632, GQA"
                + " 32/4; F16, random weights, 452-token vocabulary; " + Math.round(Files.size(model) / 1e6) + " MB)");
        results.put("threads", threads);
        results.put("direct_tps", round(directTps.endToEndTps()));
        results.put("worker_tps", round(workerTps.endToEndTps()));
        results.put("concurrent", concurrent);
        results.put("worker_vs_direct", round(workerTps.endToEndTps() / directTps.endToEndTps()));
        if (concurrent.containsKey("8")) {
            results.put("eight_vs_one", round(concurrent.get("8") / concurrent.get("1")));
        }
        results.put("runner_grpc_tps", round(runnerTps.endToEndTps()));
        results.put("runner_concurrent", runnerConcurrent);
        results.put("decode_only_tps", Map.of("direct", round(directTps.decodeTps()), "runner",
                round(runnerTps.decodeTps()), "worker", round(workerTps.decodeTps())));
        results.put("tokens_per_job", tokens);
        results.put("slots", workload.slots());
        results.put("slot_context", SLOT_CONTEXT);
        results.put("runs", runs);
        results.put("how", "tok/s = completion tokens / wall time from asking (generate call, gRPC request, Kafka"
                + " publish) to the last token or result; single-job figures are medians of the runs, in interleaved"
                + " rounds after a warm-up job; concurrent = all tokens of n jobs started at once / time to the last"
                + " result");
        results.put("host", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "load_average_before", loadBefore, "load_average_after", loadAverage()));
        Files.createDirectories(resultsFile.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(resultsFile.toFile(), results);
        // The Kafka log and the runners' folders; the model stays cached for the next run.
        Directories.deleteRecursively(work);
        System.out.printf(Locale.ROOT, "worker/direct %.3f, 8 jobs/1 job %s; took %.1f min; wrote %s%n",
                workerTps.endToEndTps() / directTps.endToEndTps(), results.getOrDefault("eight_vs_one", "-"),
                (System.nanoTime() - began) / 60e9, resultsFile);
        System.exit(0);
    }

    interface Job {
        Measurement run(int job) throws Exception;
    }

    private interface Batch {
        List<Measurement> run(List<Integer> jobs) throws Exception;
    }

    /**
     * Aggregate tokens per second of n jobs started at once, for each n and path: the mean of
     * {@value #CONCURRENT_ROUNDS} rounds, the paths taking turns within each round. "1" is the single-job median.
     */
    private static Map<String, Map<String, Double>> concurrency(Map<String, Batch> paths,
            Map<String, Measurement> single, List<Integer> levels) throws Exception {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        paths.keySet().forEach(name -> out.put(name, new LinkedHashMap<>(Map.of("1",
                round(single.get(name).endToEndTps())))));
        for (int n : levels) {
            if (n == 1) {
                continue;
            }
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
                for (Map.Entry<String, Batch> path : paths.entrySet()) {
                    int first = 1000 * n + 100 * round;
                    List<Measurement> all = path.getValue().run(IntStream.range(first, first + n).boxed().toList());
                    double seconds = all.stream().mapToDouble(Measurement::wallSeconds).max().orElseThrow();
                    int total = all.stream().mapToInt(Measurement::tokens).sum();
                    sums.merge(path.getKey(), total / seconds, Double::sum);
                    System.out.printf(Locale.ROOT, "  %s, %d jobs at once: %d tokens in %.1f s = %.2f tok/s%n",
                            path.getKey(), n, total, seconds, total / seconds);
                }
            }
            sums.forEach((name, sum) -> out.get(name).put(Integer.toString(n), round(sum / CONCURRENT_ROUNDS)));
        }
        out.forEach((name, figures) -> System.out.printf(Locale.ROOT, "%-8s at once: %s tok/s%n", name, figures));
        return out;
    }

    /**
     * Runs one job on each path in turn, round after round, after a warm-up job on each: a machine whose speed
     * drifts (other work on it) then affects every path alike. Returns each path's median run.
     */
    static Map<String, Measurement> interleaved(Map<String, Job> paths, int runs) throws Exception {
        Map<String, List<Measurement>> all = new LinkedHashMap<>();
        for (Map.Entry<String, Job> path : paths.entrySet()) {
            path.getValue().run(0);
            all.put(path.getKey(), new ArrayList<>());
        }
        for (int round = 1; round <= runs; round++) {
            for (Map.Entry<String, Job> path : paths.entrySet()) {
                all.get(path.getKey()).add(path.getValue().run(round));
            }
        }
        Map<String, Measurement> medians = new LinkedHashMap<>();
        all.forEach((name, measurements) -> {
            Measurement median = Measurement.median(measurements);
            medians.put(name, median);
            System.out.printf(Locale.ROOT, "%-8s %.2f tok/s end to end (runs: %s), decode only %.2f tok/s%n", name,
                    median.endToEndTps(), measurements.stream().map(m -> String.format(Locale.ROOT, "%.2f",
                            m.endToEndTps())).toList(), median.decodeTps());
        });
        return medians;
    }

    static void requireBuilt(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build it with ./mvnw -pl worker/runner,worker/agent"
                    + " install -DskipTests");
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
