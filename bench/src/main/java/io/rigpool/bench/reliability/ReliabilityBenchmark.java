package io.rigpool.bench.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.bench.BenchCommandLine;
import io.rigpool.local.LocalStack;
import io.rigpool.local.StackOptions;
import io.rigpool.local.reliability.BurstRun;
import io.rigpool.local.reliability.Fault;
import io.rigpool.local.reliability.FaultRun;
import io.rigpool.local.reliability.ReliabilityDrill;
import io.rigpool.local.reliability.ReliabilityDrill.Load;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fault and load suite in its full form (the CI suite, {@code FaultSuiteIT}, runs a smaller one): on a local
 * stack with planner, gateway and two workers as separate processes over embedded PostgreSQL and Kafka, a batch of
 * jobs per fault (runner SIGKILLed, worker SIGKILLed, Kafka, PostgreSQL, planner and gateway restarted during load),
 * then a burst of jobs on the tiny model. Lost and duplicated jobs are counted from PostgreSQL and the results topic;
 * the gateway's peak RSS is its VmHWM. Writes {@code bench/results/reliability.json} unless {@code --out} says
 * otherwise.
 */
public final class ReliabilityBenchmark {

    @Command(name = "bench/run reliability", mixinStandardHelpOptions = true,
            description = "Jobs under each fault, then a burst; records bench/results/reliability.json.")
    static final class Arguments {
        @Option(names = "--jobs", paramLabel = "N", defaultValue = "200", description = "jobs per fault")
        int jobs;
        @Option(names = "--burst", paramLabel = "N", defaultValue = "10000", description = "jobs of the burst")
        int burst;
        @Option(names = "--burst-tokens", paramLabel = "N", defaultValue = "8", description = "max_tokens in the burst")
        int burstTokens;
        @Option(names = "--out", paramLabel = "FILE", description = "results file")
        Path out;
    }

    private ReliabilityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = BenchCommandLine.parse(new Arguments(), args);
        int jobs = options.jobs;
        int burstJobs = options.burst;
        int burstTokens = options.burstTokens;
        Path home = Path.of(System.getProperty("rigpool.home", ".")).toAbsolutePath().normalize();
        Path out = options.out != null ? options.out : home.resolve("bench/results/reliability.json");

        Load kill = new Load(jobs, 48, 8, Duration.ZERO);
        // Paced so that submissions arrive before, during and after each restart.
        Load restart = new Load(jobs, 24, 4, Duration.ofMillis(150));
        Load burst = new Load(burstJobs, burstTokens, 16, Duration.ZERO);

        List<FaultRun> runs = new ArrayList<>();
        BurstRun burstRun;
        long began = System.nanoTime();
        Path data = Files.createTempDirectory("rigpool-reliability");
        try (LocalStack stack = new LocalStack(StackOptions.forTest(data, 2))
                .withWorkerSettings(ReliabilityDrill.FAST_TAKEOVER).start()) {
            String model = stack.awaitModels(Duration.ofMinutes(3)).get(0);
            ReliabilityDrill drill = new ReliabilityDrill(stack, model, Duration.ofMinutes(10),
                    line -> System.out.println("[reliability " + LocalTime.now() + "] " + line));
            runs.add(drill.run(Fault.killRunner(), kill));
            runs.add(drill.run(Fault.killWorker(), kill));
            for (Fault fault : Fault.restarts()) {
                runs.add(drill.run(fault, restart));
            }
            // The gateway was just restarted, so its peak RSS is the burst's (plus its own start).
            burstRun = drill.burst(burst);
        } finally {
            keepLogsAndDelete(data, home.resolve("bench/target/reliability-logs"));
        }

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("runs", runs.stream().map(ReliabilityBenchmark::row).toList());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("jobs", burstRun.jobs());
        b.put("seconds", round(burstRun.seconds()));
        b.put("gateway_peak_rss_mb", burstRun.gatewayPeakRssMb());
        b.put("succeeded", burstRun.succeeded());
        b.put("lost", burstRun.lost());
        b.put("duplicates", burstRun.duplicates());
        b.put("ran_twice", burstRun.ranTwice());
        b.put("accept_seconds", round(burstRun.acceptSeconds()));
        b.put("jobs_per_second", round(burstRun.jobsPerSecond()));
        b.put("peak_queue_depth", burstRun.peakQueueDepth());
        b.put("max_tokens", burstTokens);
        b.put("gateway_heap_limit", "-Xmx384m");
        results.put("burst", b);
        results.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "note", "tiny generated model, CPU only; one runner slot per worker; shared machine, timings"
                        + " indicative"));
        results.put("recorded_at", Instant.now().toString());
        results.put("total_seconds", round((System.nanoTime() - began) / 1e9));
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);

        System.out.println();
        runs.forEach(System.out::println);
        System.out.println(burstRun);
        System.out.println("written to " + out);
        boolean clean = runs.stream().allMatch(r -> r.lost() == 0 && r.duplicates() == 0 && r.succeeded() == r.jobs())
                && burstRun.lost() == 0 && burstRun.duplicates() == 0;
        System.exit(clean ? 0 : 1);
    }

    /** The services' logs are kept for a look at what happened; PostgreSQL's and Kafka's data are not. */
    private static void keepLogsAndDelete(Path data, Path logs) throws IOException {
        Files.createDirectories(logs);
        Path serviceLogs = data.resolve("logs");
        if (Files.isDirectory(serviceLogs)) {
            try (Stream<Path> files = Files.list(serviceLogs)) {
                for (Path log : files.toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.out.println("service logs in " + logs);
    }

    private static Map<String, Object> row(FaultRun run) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("fault", run.fault());
        row.put("jobs", run.jobs());
        row.put("succeeded", run.succeeded());
        row.put("lost", run.lost());
        row.put("duplicates", run.duplicates());
        row.put("ran_twice", run.ranTwice());
        row.put("refused_503", run.refused503());
        row.put("unanswered_and_resent", run.unreachable());
        row.put("seconds", round(run.seconds()));
        return row;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
