package io.rigpool.bench.gpu;

import io.rigpool.bench.BenchCommandLine;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@code bench/run gpu}, checked; every option is documented in bench/README.md. */
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

    /** The command line as picocli fills it; {@link #parse} checks the values and fills in the defaults. */
    @Command(name = "bench/run gpu", mixinStandardHelpOptions = true,
            description = "Decode speed and VRAM of real-shape models at offload points, against the estimator.")
    static final class Arguments {
        @Option(names = "--models", paramLabel = "NAMES",
                description = "fragments of the real-shape catalogue, comma separated (default: "
                        + "Llama-3.1-8B-Instruct-Q4_K_M,Qwen2.5-14B-Instruct-Q4_K_M)")
        String models;
        @Option(names = "--natives", paramLabel = "DIR", description = "the folder deploy/natives/build-cuda.sh wrote")
        Path natives;
        @Option(names = "--runner", paramLabel = "JAR", description = "the runner jar (default: the packaged one)")
        Path runner;
        @Option(names = "--tokens", paramLabel = "N", defaultValue = "128", description = "tokens generated per point")
        int tokens;
        @Option(names = "--ctx", paramLabel = "N", defaultValue = "4096")
        int ctx;
        @Option(names = "--threads", paramLabel = "N", description = "llama.cpp threads (default: every CPU)")
        Integer threads;
        @Option(names = "--points", paramLabel = "N", split = ",",
                description = "n_gpu_layers to load, instead of the sweep")
        List<Integer> points = List.of();
        @Option(names = "--all-points", description = "the sweep even without a GPU")
        boolean allPoints;
        @Option(names = "--gpu-bandwidth-gbps", paramLabel = "X", description = "a measured GPU read bandwidth")
        Double gpuBandwidthGbps;
        @Option(names = "--deadline-seconds", paramLabel = "N", description = "start no point after N s")
        Long deadlineSeconds;
        @Option(names = "--out", paramLabel = "FILE", description = "results file")
        Path out;
        @Option(names = "--logs", paramLabel = "DIR", description = "llama.cpp's log of every point")
        Path logs;
        @Option(names = "--work", paramLabel = "DIR", description = "where the model files are written")
        Path work;
    }

    /**
     * Picocli refuses unknown options and values of the wrong type (and answers --help); what it cannot know (a
     * fragment matching one model, a folder that exists, counts of at least 1) is an IllegalArgumentException
     * naming the option.
     */
    static Options parse(String... args) {
        Arguments a = BenchCommandLine.parse(new Arguments(), args);
        Path home = Path.of(System.getProperty("rigpool.home", "."));
        List<String> models = a.models == null
                ? List.of("Llama-3.1-8B-Instruct-Q4_K_M", "Qwen2.5-14B-Instruct-Q4_K_M") : resolveModels(a.models);
        Optional<Path> natives = a.natives == null ? Optional.empty()
                : Optional.of(existingDir("--natives", a.natives));
        Path runner = a.runner != null ? a.runner : home.resolve("worker/runner/target/rigpool-runner.jar");
        int threads = a.threads != null ? positive("--threads", a.threads)
                : Runtime.getRuntime().availableProcessors();
        a.points.forEach(n -> nonNegative("--points", n));
        long deadline = a.deadlineSeconds != null ? positive("--deadline-seconds", a.deadlineSeconds) : 0;
        Path out = a.out != null ? a.out : home.resolve("bench/results/gpu.json");
        Path logs = a.logs != null ? a.logs : home.resolve("bench/target/gpu-logs");
        return new Options(models, natives, runner, positive("--tokens", a.tokens), positive("--ctx", a.ctx),
                threads, List.copyOf(a.points), a.allPoints, a.gpuBandwidthGbps, deadline, out, logs,
                Optional.ofNullable(a.work));
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

    private static Path existingDir(String option, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": " + dir + " is not a folder");
        }
        return dir;
    }

    private static <N extends Number> N positive(String option, N n) {
        if (n.longValue() < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + n);
        }
        return n;
    }

    private static void nonNegative(String option, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(option + " must not be negative, was " + n);
        }
    }
}
