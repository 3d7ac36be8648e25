package io.rigpool.planner.models;

import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Footprints;
import io.rigpool.planner.placement.RunnerOption;
import io.rigpool.proto.v1.LocalModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The footprints the optimiser plans with, per model and runner option: from the estimator on the geometry a
 * worker sent, with runners' measurements in place of estimates, or approximately from per-layer byte counts when
 * a worker sent no geometry. Footprints are cached until the model's description or measurements change. Touched
 * by the fleet loop only.
 */
public final class ModelCatalog {

    /** Share of a file's bytes outside the repeating layers, when a worker reported only size and layer count. */
    private static final double NON_LAYER_SHARE = 0.08;

    private record CacheKey(String fingerprint, RunnerOption option, LoadParameters base, int version) {
    }

    private record VramKey(String fingerprint, LoadParameters parameters, int version) {
    }

    /**
     * What one runner takes in VRAM: the estimate for its parameters, and the buffers a runner measured for
     * exactly those parameters, when one did.
     */
    public record RunnerVram(VramBreakdown estimated, Optional<VramBreakdown> measured) {
    }

    private final MemoryEstimator estimator;
    private final EstimatorSettings settings;
    private final Measurements measurements;
    private final Map<CacheKey, Footprint> cache = new HashMap<>();
    private final Map<String, Optional<ModelGeometry>> geometries = new HashMap<>();
    private final Map<VramKey, RunnerVram> vramCache = new HashMap<>();

    public ModelCatalog(EstimatorSettings settings, Measurements measurements) {
        this.settings = settings;
        this.estimator = new MemoryEstimator(settings);
        this.measurements = measurements;
    }

    public EstimatorSettings settings() {
        return settings;
    }

    public MemoryEstimator estimator() {
        return estimator;
    }

    /**
     * The runner options for a model: each slot count with {@code contextPerSlot} tokens per slot, capped by what
     * the model was trained for.
     */
    public static List<RunnerOption> options(LocalModel model, List<Integer> slotOptions, int contextPerSlot) {
        int perSlot = model.getContextLength() > 0 ? (int) Math.min(contextPerSlot, model.getContextLength())
                : contextPerSlot;
        List<RunnerOption> options = new ArrayList<>();
        for (int slots : slotOptions) {
            options.add(new RunnerOption(slots, slots * perSlot));
        }
        return options;
    }

    public Footprint footprint(LocalModel model, RunnerOption option) {
        LoadParameters base = measurements.baseFor(model.getModelId(), option.contextSize());
        CacheKey key = new CacheKey(fingerprint(model), option, base, measurements.version(model.getModelId()));
        Footprint cached = cache.get(key);
        if (cached == null) {
            if (cache.size() > 4096) {
                cache.clear();
            }
            Optional<ModelGeometry> geometry = geometry(model);
            cached = geometry.isPresent()
                    ? Footprints.estimated(estimator, geometry.get(), model.getModelId(), option, base, measurements)
                    : approximate(model, option);
            cache.put(key, cached);
        }
        return cached;
    }

    /**
     * The VRAM of one runner of the model, by purpose (for the admin page): estimated with the load settings the
     * model's runners use, and measured where a runner reported exactly these parameters.
     */
    public RunnerVram runnerVram(LocalModel model, RunnerOption option, int gpuLayers) {
        LoadParameters parameters = measurements.baseFor(model.getModelId(), option.contextSize())
                .withContextSize(option.contextSize()).withParallelSlots(option.parallelSlots())
                .withGpuLayers(Math.max(0, gpuLayers));
        VramKey key = new VramKey(fingerprint(model), parameters, measurements.version(model.getModelId()));
        RunnerVram cached = vramCache.get(key);
        if (cached == null) {
            if (vramCache.size() > 4096) {
                vramCache.clear();
            }
            long runtime = settings.gpuRuntimeBytes();
            Optional<ModelGeometry> geometry = geometry(model);
            VramBreakdown estimated;
            if (geometry.isPresent()) {
                int layers = Math.min(parameters.gpuLayers(), geometry.get().layers() + 1);
                estimated = VramBreakdown.of(estimator.estimate(geometry.get(), parameters.withGpuLayers(layers)));
            } else {
                Footprint f = footprint(model, option);
                int layers = Math.min(parameters.gpuLayers(), f.fullOffload());
                estimated = VramBreakdown.approximate(model, layers, f.gpuBytes(layers), runtime);
            }
            Optional<VramBreakdown> measured = measurements.find(model.getModelId(), parameters)
                    .flatMap(m -> VramBreakdown.of(m, runtime));
            cached = new RunnerVram(estimated, measured);
            vramCache.put(key, cached);
        }
        return cached;
    }

    /** The model's geometry when its worker sent a usable one. */
    public Optional<ModelGeometry> geometry(LocalModel model) {
        return geometries.computeIfAbsent(fingerprint(model), k -> {
            if (!GeometryMapping.present(model.getGeometry())) {
                return Optional.empty();
            }
            try {
                return Optional.of(GeometryMapping.fromProto(model.getGeometry()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    private Footprint approximate(LocalModel model, RunnerOption option) {
        int blocks = Math.max(1, model.getBlockCount());
        long[] layerBytes;
        long nonLayer;
        if (model.getLayerBytesCount() == model.getBlockCount() && model.getBlockCount() > 0) {
            layerBytes = model.getLayerBytesList().stream().mapToLong(Long::longValue).toArray();
            nonLayer = model.getNonLayerBytes();
        } else {
            nonLayer = model.getNonLayerBytes() > 0 ? model.getNonLayerBytes()
                    : Math.round(model.getSizeBytes() * NON_LAYER_SHARE);
            layerBytes = new long[blocks];
            java.util.Arrays.fill(layerBytes, Math.max(0, model.getSizeBytes() - nonLayer) / blocks);
        }
        return Footprints.approximate(model.getModelId(), option, layerBytes, nonLayer, model.getFileType(),
                settings);
    }

    /** Identifies a description without hashing its whole tensor table. */
    private static String fingerprint(LocalModel m) {
        return m.getModelId() + '|' + m.getSizeBytes() + '|' + m.getBlockCount() + '|' + m.getFileName() + '|'
                + m.getGeometry().getTensorsCount() + '|' + m.getGeometry().getLayers() + '|' + m.getLayerBytesCount();
    }
}
