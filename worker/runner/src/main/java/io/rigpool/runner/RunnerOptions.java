package io.rigpool.runner;

import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import io.rigpool.common.engines.EngineKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The runner's command line. Other code (the worker's runner supervision, the benchmarks) builds exactly this:
 * <pre>
 * --model PATH --ctx-size N --gpu-layers N --parallel N --threads N
 * [--batch-size N] [--ubatch-size N] [--flash-attn] [--cache-type-k TYPE] [--cache-type-v TYPE] [--no-mmap]
 * --log-file PATH --port-file PATH [--output-file PATH]
 * [--engine java-llama|llama-server] [--llama-server PATH] [--n-cpu-moe N]
 * </pre>
 * With {@code --engine llama-server} the runner runs the model in llama.cpp's own server, the binary
 * {@code --llama-server} names, instead of java-llama.cpp; {@code --n-cpu-moe} keeps the expert tensors of the
 * first N layers in RAM and exists only there.
 * {@code --output-file} names the file the process's standard error goes to, where the caller redirected it:
 * llama.cpp prints its GPU discovery there (ggml_cuda_init runs before the log file is open), and the load report
 * needs it.
 */
public record RunnerOptions(Path model, int ctxSize, int gpuLayers, int parallel, int threads, OptionalInt batchSize,
        OptionalInt ubatchSize, boolean flashAttn, Optional<CacheType> cacheTypeK, Optional<CacheType> cacheTypeV,
        boolean noMmap, Path logFile, Path portFile, Optional<Path> outputFile, Engine engine) {

    /** Which llama.cpp runs the model, and what only llama-server takes. */
    public record Engine(EngineKind kind, Optional<Path> llamaServer, int nCpuMoe) {

        public static final Engine JAVA_LLAMA = new Engine(EngineKind.JAVA_LLAMA, Optional.empty(), 0);
    }

    /** The command line was wrong; the message names the option. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    public static RunnerOptions parse(String... args) {
        Builder b = new Builder();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--flash-attn" -> b.flashAttn = true;
                case "--no-mmap" -> b.noMmap = true;
                case "--model" -> b.model = Path.of(value(option, rest));
                case "--ctx-size" -> b.ctxSize = positive(option, rest);
                case "--gpu-layers" -> b.gpuLayers = number(option, rest, 0);
                case "--parallel" -> b.parallel = positive(option, rest);
                case "--threads" -> b.threads = positive(option, rest);
                case "--batch-size" -> b.batchSize = OptionalInt.of(positive(option, rest));
                case "--ubatch-size" -> b.ubatchSize = OptionalInt.of(positive(option, rest));
                case "--cache-type-k" -> b.cacheTypeK = Optional.of(cacheType(option, rest));
                case "--cache-type-v" -> b.cacheTypeV = Optional.of(cacheType(option, rest));
                case "--log-file" -> b.logFile = Path.of(value(option, rest));
                case "--port-file" -> b.portFile = Path.of(value(option, rest));
                case "--output-file" -> b.outputFile = Optional.of(Path.of(value(option, rest)));
                case "--engine" -> b.engine = engineKind(option, rest);
                case "--llama-server" -> b.llamaServer = Optional.of(Path.of(value(option, rest)));
                case "--n-cpu-moe" -> b.nCpuMoe = number(option, rest, 0);
                default -> throw new UsageException("unknown option '" + option + "'");
            }
        }
        return b.build();
    }

    /** The java-llama.cpp parameters for this command line. */
    public ModelParameters modelParameters() {
        ModelParameters p = new ModelParameters()
                .setModel(model.toString())
                .setCtxSize(ctxSize)
                .setGpuLayers(gpuLayers)
                .setParallel(parallel)
                .setThreads(threads)
                .setLogFile(logFile.toString());
        batchSize.ifPresent(p::setBatchSize);
        ubatchSize.ifPresent(p::setUbatchSize);
        cacheTypeK.ifPresent(p::setCacheTypeK);
        cacheTypeV.ifPresent(p::setCacheTypeV);
        if (flashAttn) {
            p.enableFlashAttn();
        }
        if (noMmap) {
            p.disableMmap();
        }
        return p;
    }

    /** Tokens of context each parallel slot gets: llama.cpp splits --ctx-size evenly between them. */
    public int slotContext() {
        return ctxSize / parallel;
    }

    private static String value(String option, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return rest.remove(0);
    }

    private static int number(String option, List<String> rest, int min) {
        String text = value(option, rest);
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, not '" + text + "'");
        }
        if (n < min) {
            throw new UsageException(option + " must be at least " + min + ", not " + n);
        }
        return n;
    }

    private static int positive(String option, List<String> rest) {
        return number(option, rest, 1);
    }

    private static EngineKind engineKind(String option, List<String> rest) {
        String text = value(option, rest);
        return EngineKind.byId(text).orElseThrow(() -> new UsageException(option + " must be one of "
                + Arrays.toString(EngineKind.values()) + ", not '" + text + "'"));
    }

    private static CacheType cacheType(String option, List<String> rest) {
        String text = value(option, rest);
        try {
            return CacheType.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " must be one of " + Arrays.toString(CacheType.values())
                    .toLowerCase(Locale.ROOT) + ", not '" + text + "'");
        }
    }

    private static final class Builder {
        Path model;
        int ctxSize = 4096;
        int gpuLayers;
        int parallel = 1;
        int threads = Runtime.getRuntime().availableProcessors();
        OptionalInt batchSize = OptionalInt.empty();
        OptionalInt ubatchSize = OptionalInt.empty();
        boolean flashAttn;
        Optional<CacheType> cacheTypeK = Optional.empty();
        Optional<CacheType> cacheTypeV = Optional.empty();
        boolean noMmap;
        Path logFile;
        Path portFile;
        Optional<Path> outputFile = Optional.empty();
        EngineKind engine = EngineKind.JAVA_LLAMA;
        Optional<Path> llamaServer = Optional.empty();
        int nCpuMoe;

        RunnerOptions build() {
            if (model == null) {
                throw new UsageException("--model is required");
            }
            if (portFile == null) {
                throw new UsageException("--port-file is required");
            }
            if (logFile == null) {
                throw new UsageException("--log-file is required");
            }
            if (ctxSize < parallel) {
                throw new UsageException("--ctx-size " + ctxSize + " leaves no context for each of --parallel "
                        + parallel + " slots");
            }
            if (engine == EngineKind.LLAMA_SERVER && llamaServer.isEmpty()) {
                throw new UsageException("--engine llama-server needs --llama-server PATH");
            }
            if (engine != EngineKind.LLAMA_SERVER && (llamaServer.isPresent() || nCpuMoe > 0)) {
                throw new UsageException("--llama-server and --n-cpu-moe need --engine llama-server");
            }
            return new RunnerOptions(model, ctxSize, gpuLayers, parallel, threads, batchSize, ubatchSize, flashAttn,
                    cacheTypeK, cacheTypeV, noMmap, logFile, portFile, outputFile,
                    new Engine(engine, llamaServer, nCpuMoe));
        }
    }
}
