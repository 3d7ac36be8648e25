package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.DecodeSpeedModel;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import java.util.Optional;

/** Builds {@link Footprint} tables: from the estimator (and runners' measurements), or approximately. */
public final class Footprints {

    /** Finds the buffers a runner measured for a model loaded with exactly these parameters. */
    @FunctionalInterface
    public interface Measurements {
        Optional<MeasuredBuffers> find(String modelId, LoadParameters parameters);

        Measurements NONE = (model, parameters) -> Optional.empty();
    }

    /** Added to every approximate GPU figure: the KV cache and compute buffer are guessed there. */
    static final double APPROXIMATE_MARGIN = 0.10;
    private static final long UBATCH = LoadParameters.DEFAULT_MICRO_BATCH;

    private Footprints() {
    }

    /**
     * Every n_gpu_layers of a model with one option on java-llama, from the estimator; where a runner measured
     * exactly these parameters its buffers replace the estimate.
     *
     * @param base cache types, flash attention, batch sizes and mmap the runners use (context, slots and
     *     n_gpu_layers are set here)
     */
    public static Footprint estimated(MemoryEstimator estimator, ModelGeometry model, String modelId,
            SlotLayout option, LoadParameters base, Measurements measurements) {
        return estimated(kind -> estimator, model, modelId, option, base, measurements,
                OffloadStep.wholeLayers(model.layers(), EngineKind.JAVA_LLAMA));
    }

    /**
     * Every level of an offload ladder, each estimated under the rules of the build its engine runs; where a
     * runner measured exactly a level's parameters its buffers replace the estimate.
     *
     * @param base cache types, flash attention, batch sizes and mmap the runners use (context, slots, n_gpu_layers
     *     and --n-cpu-moe are set here; a build that uses flash attention by default gets it)
     */
    public static Footprint estimated(EngineEstimators estimators, ModelGeometry model, String modelId,
            SlotLayout option, LoadParameters base, Measurements measurements, OffloadStep[] ladder) {
        int n = ladder.length;
        long[] gpu = new long[n];
        long[] cpu = new long[n];
        long[] gpuReads = new long[n];
        long[] cpuReads = new long[n];
        Footprint.Basis[] basis = new Footprint.Basis[n];
        LoadParameters shaped = base.withContextSize(option.contextSize()).withParallelSlots(option.parallelSlots());
        for (int layers = 0; layers < n; layers++) {
            OffloadStep step = ladder[layers];
            MemoryEstimator estimator = estimators.of(step.engine());
            LoadParameters p = parametersOf(shaped, step, estimator);
            MemoryEstimate e = estimator.estimate(model, p);
            Optional<MeasuredBuffers> measured = measurements.find(modelId, p);
            if (measured.isPresent()) {
                e = e.withMeasured(measured.get());
            }
            gpu[layers] = e.gpu().total();
            cpu[layers] = e.cpu().total();
            DecodeSpeedModel.TokenReads reads = DecodeSpeedModel.reads(e, model);
            long slots = option.parallelSlots();
            // reads() counts one slot's share of the cache; a step with every slot busy reads all of it.
            gpuReads[layers] = reads.gpuBytes() - e.gpu().kvCache() / slots + e.gpu().kvCache();
            cpuReads[layers] = reads.cpuBytes() - e.cpu().kvCache() / slots + e.cpu().kvCache();
            basis[layers] = measured.isPresent() ? Footprint.Basis.MEASURED : Footprint.Basis.ESTIMATED;
        }
        return new Footprint(modelId, option, model.layers(), ladder, gpu, cpu, gpuReads, cpuReads, basis);
    }

    /** What a runner at this step loads with: the base, the step's offload, its build's flash-attention default. */
    public static LoadParameters parametersOf(LoadParameters base, OffloadStep step, MemoryEstimator estimator) {
        LoadParameters p = base.withGpuLayers(step.gpuLayers()).withExpertLayersOnCpu(step.expertLayersOnCpu());
        return estimator.settings().build().flashAttentionByDefault() ? p.withFlashAttention(true) : p;
    }

    /**
     * A conservative footprint for a model known only by its per-layer weight bytes (a worker that sends no
     * geometry). The embedding width is inferred from a layer's size and the file's quantization, the KV cache
     * assumes no grouped-query attention (the largest a model of that width can need), the compute buffer
     * assumes a vocabulary as large as the non-layer weights allow, and {@value #APPROXIMATE_MARGIN} of VRAM is
     * added on top.
     *
     * @param fileType llama.cpp's {@code general.file_type} number as text, or "" when unknown
     */
    public static Footprint approximate(String modelId, SlotLayout option, long[] layerBytes, long nonLayerBytes,
            String fileType, EstimatorSettings settings) {
        return approximate(modelId, option, layerBytes, nonLayerBytes, fileType, settings, EngineKind.JAVA_LLAMA);
    }

    /** As above, for a model that {@code engine} runs (whole layers: without geometry no expert is known). */
    public static Footprint approximate(String modelId, SlotLayout option, long[] layerBytes, long nonLayerBytes,
            String fileType, EstimatorSettings settings, EngineKind engine) {
        int layers = layerBytes.length;
        int n = layers + 2;
        double bitsPerWeight = QuantizationBits.of(fileType);
        long meanLayer = layers == 0 ? 0 : java.util.Arrays.stream(layerBytes).sum() / layers;
        // A transformer layer holds about 12.5 × width² weights (attention 4 w², feed-forward ~8.5 w²).
        long width = Math.max(256, Math.round(Math.sqrt(meanLayer * 8.0 / bitsPerWeight / 12.5)));
        // The output head is at most all non-layer weights (a tied head duplicates the whole embedding on the
        // GPU); the embedding alone is about half of them when the head is separate.
        long headBytes = nonLayerBytes;
        long embeddingBytes = nonLayerBytes / 2;
        long vocabulary = Math.max(32_000, Math.round(embeddingBytes * 8.0 / bitsPerWeight / width));
        long cells = option.contextSize();
        long kvPerLayer = 2L * 2 * width * cells;
        long compute = vocabulary * UBATCH * 4 + width * UBATCH * 4 * 12 + cells * UBATCH * 4 * Math.max(1,
                width / 128);
        long output = vocabulary * option.parallelSlots() * 4;
        long layerWeights = java.util.Arrays.stream(layerBytes).sum();
        long[] gpu = new long[n];
        long[] cpu = new long[n];
        long[] gpuReads = new long[n];
        long[] cpuReads = new long[n];
        Footprint.Basis[] basis = new Footprint.Basis[n];
        for (int g = 0; g < n; g++) {
            int onGpu = Math.min(g, layers);
            long gpuLayers = 0;
            for (int il = layers - onGpu; il < layers; il++) {
                gpuLayers += layerBytes[il];
            }
            long gpuKv = kvPerLayer * onGpu;
            long cpuKv = kvPerLayer * (layers - onGpu);
            // Host memory keeps every non-layer weight (mapped) whatever the offload.
            cpu[g] = layerWeights - gpuLayers + nonLayerBytes + cpuKv + compute + output
                    + settings.cpuRuntimeBytes();
            if (g == 0) {
                gpu[g] = 0;
            } else {
                // With part of the model on the CPU, llama.cpp copies CPU weights (the output head worst) into
                // the GPU compute buffer for prompt batches; on full offload the head itself moves there.
                long raw = gpuLayers + gpuKv + compute + headBytes + settings.gpuRuntimeBytes();
                gpu[g] = Math.round(raw * (1 + APPROXIMATE_MARGIN));
            }
            long headReadOnGpu = g > layers ? headBytes - embeddingBytes : 0;
            // The input embedding is read one row per token: nothing, at this scale.
            gpuReads[g] = gpuLayers + headReadOnGpu + gpuKv;
            cpuReads[g] = layerWeights - gpuLayers + (g > layers ? 0 : nonLayerBytes - embeddingBytes) + cpuKv;
            basis[g] = Footprint.Basis.APPROXIMATE;
        }
        return new Footprint(modelId, option, layers, OffloadStep.wholeLayers(layers, engine), gpu, cpu, gpuReads,
                cpuReads, basis);
    }
}
