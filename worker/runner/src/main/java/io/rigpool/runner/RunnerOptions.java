package io.rigpool.runner;

import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import io.rigpool.common.engines.EngineKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    /**
     * @throws UsageException naming the option that is wrong (picocli's message for an unknown option, a missing
     *     value or one of the wrong type; ours for combinations it cannot know)
     */
    public static RunnerOptions parse(String... args) {
        CommandLineArguments line = new CommandLineArguments();
        try {
            new CommandLine(line).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return line.build();
    }

    /** The usage text, as picocli writes it from the options below. */
    public static String usage() {
        return new CommandLine(new CommandLineArguments()).getUsageMessage(CommandLine.Help.Ansi.OFF);
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

    /** The command line as picocli fills it; {@link #build} checks what no single option can. */
    @Command(name = "rigpool-runner", description = "Loads one GGUF model and serves it on a loopback gRPC port.")
    private static final class CommandLineArguments {

        @Option(names = "--model", required = true, paramLabel = "PATH", description = "the GGUF file")
        Path model;
        @Option(names = "--ctx-size", paramLabel = "N", defaultValue = "4096",
                description = "tokens of KV cache, split between the slots")
        int ctxSize;
        @Option(names = "--gpu-layers", paramLabel = "N", defaultValue = "0")
        int gpuLayers;
        @Option(names = "--parallel", paramLabel = "N", defaultValue = "1", description = "parallel slots")
        int parallel;
        @Option(names = "--threads", paramLabel = "N", description = "llama.cpp threads (default: every CPU)")
        Integer threads;
        @Option(names = "--batch-size", paramLabel = "N")
        Integer batchSize;
        @Option(names = "--ubatch-size", paramLabel = "N")
        Integer ubatchSize;
        @Option(names = "--flash-attn")
        boolean flashAttn;
        @Option(names = "--cache-type-k", paramLabel = "TYPE")
        CacheType cacheTypeK;
        @Option(names = "--cache-type-v", paramLabel = "TYPE")
        CacheType cacheTypeV;
        @Option(names = "--no-mmap")
        boolean noMmap;
        @Option(names = "--log-file", required = true, paramLabel = "PATH", description = "llama.cpp's log")
        Path logFile;
        @Option(names = "--port-file", required = true, paramLabel = "PATH",
                description = "where the port is written once the model is loaded")
        Path portFile;
        @Option(names = "--output-file", paramLabel = "PATH",
                description = "the file this process's standard error was redirected to")
        Path outputFile;
        @Option(names = "--engine", paramLabel = "KIND", defaultValue = "java-llama",
                converter = EngineKindConverter.class, description = "java-llama or llama-server")
        EngineKind engine;
        @Option(names = "--llama-server", paramLabel = "PATH", description = "the llama-server binary")
        Path llamaServer;
        @Option(names = "--n-cpu-moe", paramLabel = "N", defaultValue = "0",
                description = "keep the expert tensors of the first N layers in RAM (llama-server only)")
        int nCpuMoe;

        RunnerOptions build() {
            atLeast("--ctx-size", ctxSize, 1);
            atLeast("--gpu-layers", gpuLayers, 0);
            atLeast("--parallel", parallel, 1);
            atLeast("--n-cpu-moe", nCpuMoe, 0);
            int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            atLeast("--threads", threadCount, 1);
            if (batchSize != null) {
                atLeast("--batch-size", batchSize, 1);
            }
            if (ubatchSize != null) {
                atLeast("--ubatch-size", ubatchSize, 1);
            }
            if (ctxSize < parallel) {
                throw new UsageException("--ctx-size " + ctxSize + " leaves no context for each of --parallel "
                        + parallel + " slots");
            }
            if (engine == EngineKind.LLAMA_SERVER && llamaServer == null) {
                throw new UsageException("--engine llama-server needs --llama-server PATH");
            }
            if (engine != EngineKind.LLAMA_SERVER && (llamaServer != null || nCpuMoe > 0)) {
                throw new UsageException("--llama-server and --n-cpu-moe need --engine llama-server");
            }
            return new RunnerOptions(model, ctxSize, gpuLayers, parallel, threadCount, optional(batchSize),
                    optional(ubatchSize), flashAttn, Optional.ofNullable(cacheTypeK), Optional.ofNullable(cacheTypeV),
                    noMmap, logFile, portFile, Optional.ofNullable(outputFile),
                    new Engine(engine, Optional.ofNullable(llamaServer), nCpuMoe));
        }

        private static void atLeast(String option, int value, int min) {
            if (value < min) {
                throw new UsageException(option + " must be at least " + min + ", not " + value);
            }
        }

        private static OptionalInt optional(Integer value) {
            return value == null ? OptionalInt.empty() : OptionalInt.of(value);
        }
    }

    /** The engine by its wire name ("llama-server"), which is not its enum constant's name. */
    static final class EngineKindConverter implements CommandLine.ITypeConverter<EngineKind> {

        @Override
        public EngineKind convert(String value) {
            return EngineKind.byId(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "must be one of " + Arrays.toString(EngineKind.values()) + ", not '" + value + "'"));
        }
    }
}
