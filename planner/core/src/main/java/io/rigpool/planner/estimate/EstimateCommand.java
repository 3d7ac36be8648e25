package io.rigpool.planner.estimate;

import io.rigpool.common.engines.EngineArchitectures;
import io.rigpool.common.engines.EngineKind;
import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The what-if on the command line:
 * <pre>
 * java -cp ... io.rigpool.planner.estimate.EstimateCommand --model model.gguf --vram 8GiB --ctx 4096
 * java -cp ... io.rigpool.planner.estimate.EstimateCommand --shape gemma-2-27b-it-Q4_K_M --card "RTX 4060"
 * </pre>
 * Prints the VRAM full acceleration needs, the largest n_gpu_layers the card takes (for a mixture-of-experts model
 * on llama-server: and the layers whose experts stay in RAM) and the expected decode speed-up. The engine is
 * java-llama (b4916) where it loads the architecture, else llama-server (the 2026-09 build); {@code --engine}
 * chooses. Exit status 2 on bad arguments, with the flag named.
 * <p>
 * The one class of the domain core that knows picocli: it is the core's command-line adapter, and nothing else in
 * the core depends on it (the dependency is optional, so planner/core's users do not inherit it).
 */
public final class EstimateCommand {

    private static final String DEFAULT_CPU_BANDWIDTH_GBPS = "50";
    private static final double DEFAULT_GPU_BANDWIDTH_GBPS = 300;

    /** The command line as picocli fills it; {@link #run} checks what depends on the model. */
    @Command(name = "EstimateCommand", mixinStandardHelpOptions = true,
            description = "What a model needs on a card: VRAM for full offload, the layers that fit, the speed-up.")
    static final class Arguments {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;
        @Option(names = "--vram", paramLabel = "SIZE", converter = ByteSizeConverter.class,
                description = "the card's VRAM (default: the --card's)")
        Long vram;
        @Option(names = "--card", paramLabel = "NAME", description = "an RTX card by name, e.g. \"RTX 4060\"")
        String card;
        @Option(names = "--ctx", paramLabel = "N", defaultValue = "4096")
        int ctx;
        @Option(names = "--reserve", paramLabel = "SIZE", defaultValue = "512MiB", converter = ByteSizeConverter.class,
                description = "VRAM kept free")
        long reserve;
        @Option(names = "--gpu-bandwidth", paramLabel = "GB/s",
                description = "default: the --card's, else " + DEFAULT_GPU_BANDWIDTH_GBPS)
        Double gpuBandwidthGbps;
        @Option(names = "--cpu-bandwidth", paramLabel = "GB/s", defaultValue = DEFAULT_CPU_BANDWIDTH_GBPS)
        double cpuBandwidthGbps;
        @Option(names = "--parallel", paramLabel = "N", defaultValue = "1")
        int parallel;
        @Option(names = "--flash-attn")
        boolean flashAttn;
        @Option(names = "--cache-type-k", paramLabel = "T", defaultValue = "f16", converter = CacheTypeConverter.class)
        GgmlType cacheTypeK;
        @Option(names = "--cache-type-v", paramLabel = "T", defaultValue = "f16", converter = CacheTypeConverter.class)
        GgmlType cacheTypeV;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + LoadParameters.DEFAULT_BATCH)
        int batchSize;
        @Option(names = "--ubatch-size", paramLabel = "N", defaultValue = "" + LoadParameters.DEFAULT_MICRO_BATCH)
        int ubatchSize;
        @Option(names = "--no-mmap")
        boolean noMmap;
        @Option(names = "--cuda-overhead", paramLabel = "SIZE", converter = ByteSizeConverter.class)
        Long cudaOverhead;
        @Option(names = "--engine", paramLabel = "java-llama|llama-server",
                description = "default: java-llama where it loads the architecture")
        String engine;
    }

    /** A GGUF file or a name from the real-shape catalogue: exactly one. */
    static final class Source {
        @Option(names = "--model", paramLabel = "FILE.gguf", required = true)
        Path model;
        @Option(names = "--shape", paramLabel = "NAME", required = true)
        String shape;
    }

    /** Sizes as people write them: 8GiB, 8GB, 8192MiB. */
    static final class ByteSizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A KV cache type by its ggml name, any case: f16, q8_0. */
    static final class CacheTypeConverter implements ITypeConverter<GgmlType> {
        @Override
        public GgmlType convert(String value) {
            try {
                return GgmlType.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown type '" + value + "'");
            }
        }
    }

    private EstimateCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Arguments());
        line.getCommandSpec().usageMessage().footer("sizes: 8GiB, 8GB, 8192MiB; shapes: " + names());
        Arguments o;
        try {
            line.parseArgs(args);
            o = line.getCommand();
        } catch (CommandLine.ParameterException e) {
            err.println("error: " + e.getMessage());
            err.print(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
            return 2;
        }
        if (line.isUsageHelpRequested() || line.isVersionHelpRequested()) {
            out.print(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
            return 0;
        }
        try {
            ModelGeometry model = model(o.source);
            Optional<GpuSpec> card = o.card != null ? Optional.of(RtxCards.byName(o.card)
                    .orElseThrow(() -> new IllegalArgumentException("--card: unknown card '" + o.card + "'")))
                    : Optional.empty();
            long vram = o.vram != null ? o.vram
                    : card.map(GpuSpec::vramBytes).orElseThrow(
                            () -> new IllegalArgumentException("--vram or --card is required"));
            double gpuBandwidth = o.gpuBandwidthGbps != null ? o.gpuBandwidthGbps * 1e9
                    : card.map(GpuSpec::bandwidthBytesPerSecond).orElse(DEFAULT_GPU_BANDWIDTH_GBPS * 1e9);
            double cpuBandwidth = o.cpuBandwidthGbps * 1e9;
            LoadParameters load = load(o);
            EstimatorSettings settings = EstimatorSettings.defaults();
            if (o.cudaOverhead != null) {
                settings = settings.withGpuRuntimeBytes(o.cudaOverhead);
            }
            EngineKind engine = engine(o.engine, model);
            LlamaBuild build = engine == EngineKind.LLAMA_SERVER ? LlamaBuild.SNAPSHOT_2026_09 : LlamaBuild.B4916;
            if (build.flashAttentionByDefault()) {
                load = load.withFlashAttention(true);
            }
            WhatIf.Answer a = new WhatIf(new MemoryEstimator(settings.withBuild(build))).ask(model,
                    new WhatIf.Question(vram, o.reserve, gpuBandwidth, cpuBandwidth, load, 0,
                            engine.keepsExpertsInRam()));
            print(out, a, vram, o.reserve, gpuBandwidth, cpuBandwidth, card);
            out.println("engine           " + engine.id() + " (llama.cpp " + build.label() + ")");
            out.println(a.summary(vram));
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("error: " + e.getMessage());
            err.print(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
            return 2;
        }
    }

    private static ModelGeometry model(Source source) throws IOException {
        if (source.model != null) {
            return ModelGeometry.of(GgufModel.open(source.model));
        }
        try {
            return ShapeGeometries.of(RealModelShapes.byName(source.shape));
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("--shape: " + e.getMessage());
        }
    }

    private static EngineKind engine(String id, ModelGeometry model) {
        if (id == null) {
            return EngineArchitectures.javaLlamaB4916().contains(model.architecture()) ? EngineKind.JAVA_LLAMA
                    : EngineKind.LLAMA_SERVER;
        }
        EngineKind kind = EngineKind.byId(id).filter(k -> !id.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("--engine: unknown engine '" + id
                        + "' (java-llama or llama-server)"));
        if (kind == EngineKind.JAVA_LLAMA && !EngineArchitectures.javaLlamaB4916().contains(model.architecture())) {
            throw new IllegalArgumentException("--engine: java-llama (b4916) does not load " + model.architecture());
        }
        return kind;
    }

    private static LoadParameters load(Arguments o) {
        LoadParameters p = LoadParameters.defaults(o.ctx)
                .withParallelSlots(o.parallel)
                .withCacheTypes(o.cacheTypeK, o.cacheTypeV)
                .withBatchSizes(o.batchSize, o.ubatchSize)
                .withMmap(!o.noMmap);
        return o.flashAttn ? p.withFlashAttention(true) : p;
    }

    private static void print(PrintStream out, WhatIf.Answer a, long vram, long reserve, double gpuBandwidth,
            double cpuBandwidth, Optional<GpuSpec> card) {
        LoadParameters p = a.chosen().parameters();
        DeviceMemory full = a.fullOffload().gpu();
        out.printf(Locale.ROOT, "model            %s (%d layers), n_ctx %d, %d slot(s)%n", a.model(), a.layers(),
                p.contextSize(), p.parallelSlots());
        out.printf(Locale.ROOT, "full offload     %s of VRAM (weights %s, KV %s, compute %s, CUDA %s)%n",
                ByteSizes.gigabytes(a.fullOffloadGpuBytes()), ByteSizes.gigabytes(full.weights()),
                ByteSizes.gigabytes(full.kvCache()), ByteSizes.gigabytes(full.compute()),
                ByteSizes.gigabytes(full.runtime()));
        out.printf(Locale.ROOT, "this card        %s%s, %s kept free: %s%n", ByteSizes.gigabytes(vram),
                card.map(c -> " (" + c.name() + ")").orElse(""), ByteSizes.gigabytes(reserve),
                a.fitsFully() ? "holds the whole model" : "holds part of it");
        out.printf(Locale.ROOT, "n_gpu_layers     %d of %d (%.0f%% of the layers%s%s): GPU %s, RAM %s%n",
                a.gpuLayers(), a.layers() + 1, 100 * a.shareOfLayers(),
                a.chosen().outputOnGpu() ? " and the output head" : "",
                a.expertLayersInRam() > 0 ? ", --n-cpu-moe " + p.expertLayersOnCpu() : "",
                ByteSizes.gigabytes(a.chosen().gpu().total()), ByteSizes.gigabytes(a.chosen().cpu().total()));
        out.printf(Locale.ROOT, "decode speed     %.1f tok/s CPU only -> %.1f tok/s (x%.2f), at %.0f GB/s GPU, "
                + "%.0f GB/s RAM%n", a.cpuOnlyTokensPerSecond(), a.tokensPerSecond(), a.speedUp(),
                gpuBandwidth / 1e9, cpuBandwidth / 1e9);
        List<String> cards = new ArrayList<>();
        a.cardsHoldingFully().forEach(c -> cards.add(c.name().replace("GeForce ", "") + " "
                + c.vramBytes() / (1L << 30) + "GB"));
        out.println("fully on         " + (cards.isEmpty() ? "no single RTX card" : String.join(", ", cards)));
        if (!a.chosen().exact()) {
            out.println("note             compute buffers are modelled (GPU: from llama.cpp b4916's scheduler), "
                    + "not replayed");
        }
    }

    private static String names() {
        List<String> names = new ArrayList<>();
        RealModelShapes.all().forEach(s -> names.add(s.name()));
        return String.join(", ", names);
    }
}
