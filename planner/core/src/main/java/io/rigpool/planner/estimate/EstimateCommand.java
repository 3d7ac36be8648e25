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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 */
public final class EstimateCommand {

    private static final double DEFAULT_CPU_BANDWIDTH_GBPS = 50;
    private static final double DEFAULT_GPU_BANDWIDTH_GBPS = 300;
    private static final String USAGE = """
            usage: EstimateCommand (--model FILE.gguf | --shape NAME) [--vram SIZE | --card NAME] [--ctx N]
                   [--reserve SIZE] [--gpu-bandwidth GB/s] [--cpu-bandwidth GB/s] [--parallel N] [--flash-attn]
                   [--cache-type-k T] [--cache-type-v T] [--batch-size N] [--ubatch-size N] [--no-mmap]
                   [--cuda-overhead SIZE] [--engine java-llama|llama-server]
              sizes: 8GiB, 8GB, 8192MiB; shapes: %s""";

    private EstimateCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Map<String, String> o = options(args);
            ModelGeometry model = model(o);
            Optional<GpuSpec> card = o.containsKey("card") ? Optional.of(RtxCards.byName(o.get("card"))
                    .orElseThrow(() -> new IllegalArgumentException("--card: unknown card '" + o.get("card") + "'")))
                    : Optional.empty();
            long vram = o.containsKey("vram") ? ByteSizes.parse(o.get("vram"))
                    : card.map(GpuSpec::vramBytes).orElseThrow(
                            () -> new IllegalArgumentException("--vram or --card is required"));
            double gpuBandwidth = o.containsKey("gpu-bandwidth") ? number(o, "gpu-bandwidth") * 1e9
                    : card.map(GpuSpec::bandwidthBytesPerSecond).orElse(DEFAULT_GPU_BANDWIDTH_GBPS * 1e9);
            double cpuBandwidth = (o.containsKey("cpu-bandwidth") ? number(o, "cpu-bandwidth")
                    : DEFAULT_CPU_BANDWIDTH_GBPS) * 1e9;
            long reserve = ByteSizes.parse(o.getOrDefault("reserve", "512MiB"));
            LoadParameters load = load(o);
            EstimatorSettings settings = EstimatorSettings.defaults();
            if (o.containsKey("cuda-overhead")) {
                settings = settings.withGpuRuntimeBytes(ByteSizes.parse(o.get("cuda-overhead")));
            }
            EngineKind engine = engine(o, model);
            LlamaBuild build = engine == EngineKind.LLAMA_SERVER ? LlamaBuild.SNAPSHOT_2026_09 : LlamaBuild.B4916;
            if (build.flashAttentionByDefault()) {
                load = load.withFlashAttention(true);
            }
            WhatIf.Answer a = new WhatIf(new MemoryEstimator(settings.withBuild(build))).ask(model,
                    new WhatIf.Question(vram, reserve, gpuBandwidth, cpuBandwidth, load, 0,
                            engine.keepsExpertsInRam()));
            print(out, a, vram, reserve, gpuBandwidth, cpuBandwidth, card);
            out.println("engine           " + engine.id() + " (llama.cpp " + build.label() + ")");
            out.println(a.summary(vram));
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("error: " + e.getMessage());
            err.println(String.format(USAGE, names()));
            return 2;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        List<String> flags = List.of("flash-attn", "no-mmap");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            if (flags.contains(name)) {
                o.put(name, "true");
            } else if (i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
        }
        return o;
    }

    private static ModelGeometry model(Map<String, String> o) throws IOException {
        if (o.containsKey("model")) {
            return ModelGeometry.of(GgufModel.open(Path.of(o.get("model"))));
        }
        if (!o.containsKey("shape")) {
            throw new IllegalArgumentException("--model or --shape is required");
        }
        try {
            return ShapeGeometries.of(RealModelShapes.byName(o.get("shape")));
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("--shape: " + e.getMessage());
        }
    }

    private static EngineKind engine(Map<String, String> o, ModelGeometry model) {
        if (!o.containsKey("engine")) {
            return EngineArchitectures.javaLlamaB4916().contains(model.architecture()) ? EngineKind.JAVA_LLAMA
                    : EngineKind.LLAMA_SERVER;
        }
        EngineKind kind = EngineKind.byId(o.get("engine")).filter(k -> !o.get("engine").isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("--engine: unknown engine '" + o.get("engine")
                        + "' (java-llama or llama-server)"));
        if (kind == EngineKind.JAVA_LLAMA && !EngineArchitectures.javaLlamaB4916().contains(model.architecture())) {
            throw new IllegalArgumentException("--engine: java-llama (b4916) does not load " + model.architecture());
        }
        return kind;
    }

    private static LoadParameters load(Map<String, String> o) {
        LoadParameters p = LoadParameters.defaults(integer(o, "ctx", 4096))
                .withParallelSlots(integer(o, "parallel", 1))
                .withCacheTypes(cacheType(o, "cache-type-k"), cacheType(o, "cache-type-v"))
                .withBatchSizes(integer(o, "batch-size", LoadParameters.DEFAULT_BATCH),
                        integer(o, "ubatch-size", LoadParameters.DEFAULT_MICRO_BATCH))
                .withMmap(!o.containsKey("no-mmap"));
        return o.containsKey("flash-attn") ? p.withFlashAttention(true) : p;
    }

    private static GgmlType cacheType(Map<String, String> o, String key) {
        String value = o.getOrDefault(key, "f16");
        try {
            return GgmlType.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + key + ": unknown type '" + value + "'");
        }
    }

    private static int integer(Map<String, String> o, String key, int fallback) {
        try {
            return o.containsKey(key) ? Integer.parseInt(o.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": not a number '" + o.get(key) + "'");
        }
    }

    private static double number(Map<String, String> o, String key) {
        try {
            return Double.parseDouble(o.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": not a number '" + o.get(key) + "'");
        }
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
