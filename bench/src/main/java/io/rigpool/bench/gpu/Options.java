package io.rigpool.bench.gpu;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The command line of {@code bench/run gpu}; every option is documented in bench/README.md. */
final class Options {

    final List<String> models;
    final Optional<Path> natives;
    final Path runnerJar;
    final int tokens;
    final int contextSize;
    final int threads;
    final List<Integer> points;
    final boolean allPoints;
    final Double measuredGpuGbps;
    final long deadlineSeconds;
    final Path out;
    final Path logs;
    final Optional<Path> work;

    private Options(List<String> models, Optional<Path> natives, Path runnerJar, int tokens, int contextSize,
            int threads, List<Integer> points, boolean allPoints, Double measuredGpuGbps, long deadlineSeconds,
            Path out, Path logs, Optional<Path> work) {
        this.models = models;
        this.natives = natives;
        this.runnerJar = runnerJar;
        this.tokens = tokens;
        this.contextSize = contextSize;
        this.threads = threads;
        this.points = points;
        this.allPoints = allPoints;
        this.measuredGpuGbps = measuredGpuGbps;
        this.deadlineSeconds = deadlineSeconds;
        this.out = out;
        this.logs = logs;
        this.work = work;
    }

    static Options parse(String... args) {
        Path home = Path.of(System.getProperty("rigpool.home", "."));
        List<String> models = List.of("Llama-3.1-8B-Instruct-Q4_K_M", "Qwen2.5-14B-Instruct-Q4_K_M");
        Optional<Path> natives = Optional.empty();
        Path runner = home.resolve("worker/runner/target/rigpool-runner.jar");
        int tokens = 128;
        int ctx = 4096;
        int threads = Runtime.getRuntime().availableProcessors();
        List<Integer> points = List.of();
        boolean allPoints = false;
        Double gpuGbps = null;
        long deadline = 0;
        Path out = home.resolve("bench/results/gpu.json");
        Path logs = home.resolve("bench/target/gpu-logs");
        Optional<Path> work = Optional.empty();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--all-points" -> allPoints = true;
                case "--models" -> models = resolveModels(value(option, rest));
                case "--natives" -> natives = Optional.of(existingDir(option, value(option, rest)));
                case "--runner" -> runner = Path.of(value(option, rest));
                case "--tokens" -> tokens = positive(option, value(option, rest));
                case "--ctx" -> ctx = positive(option, value(option, rest));
                case "--threads" -> threads = positive(option, value(option, rest));
                case "--points" -> points = Arrays.stream(value(option, rest).split(",")).map(String::strip)
                        .map(v -> nonNegative(option, v)).toList();
                case "--gpu-bandwidth-gbps" -> gpuGbps = Double.parseDouble(value(option, rest));
                case "--deadline-seconds" -> deadline = positive(option, value(option, rest));
                case "--out" -> out = Path.of(value(option, rest));
                case "--logs" -> logs = Path.of(value(option, rest));
                case "--work" -> work = Optional.of(Path.of(value(option, rest)));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return new Options(models, natives, runner, tokens, ctx, threads, points, allPoints, gpuGbps, deadline,
                out, logs, work);
    }

    /** Names or case-insensitive fragments of the real-shape catalogue: "llama-3.1,qwen2.5-14b". */
    private static List<String> resolveModels(String list) {
        List<String> names = new ArrayList<>();
        for (String fragment : list.split(",")) {
            String f = fragment.strip().toLowerCase(Locale.ROOT);
            List<String> hits = RealModelShapes.all().stream().map(RealModelShape::name)
                    .filter(n -> n.toLowerCase(Locale.ROOT).contains(f)).toList();
            if (hits.size() != 1) {
                throw new IllegalArgumentException("--models: '" + fragment + "' matches " + hits
                        + " of the real-shape catalogue; name exactly one");
            }
            names.add(hits.get(0));
        }
        return List.copyOf(names);
    }

    private static Path existingDir(String option, String value) {
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": " + value + " is not a folder");
        }
        return dir;
    }

    private static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }

    private static int positive(String option, String value) {
        int n = nonNegative(option, value);
        if (n == 0) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + value + "'");
        }
    }
}
