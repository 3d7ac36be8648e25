package io.rigpool.planner.models;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.planner.placement.EngineEstimators;
import io.rigpool.planner.placement.EngineLadders;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Footprints;
import io.rigpool.planner.placement.OffloadStep;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.proto.v1.LocalModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The footprints the optimiser plans with, per model and slot layout: from the estimator on the geometry a
 * worker sent, with runners' measurements in place of estimates, or approximately from per-layer byte counts when
 * a worker sent no geometry. Footprints are cached until the model's description or measurements change. Touched
 * by the fleet loop only.
 */
public final class ModelCatalog {

    /** Share of a file's bytes outside the repeating layers, when a worker reported only size and layer count. */
    private static final double NON_LAYER_SHARE = 0.08;

    private record CacheKey(String fingerprint, SlotLayout option, LoadParameters base, int version) {
    }

    private record VramKey(String fingerprint, LoadParameters parameters, int version) {
    }

    /**
     * What one runner takes in VRAM: the estimate for its parameters, and the buffers a runner measured for
     * exactly those parameters, when one did.
     */
    public record RunnerVram(VramBreakdown estimated, Optional<VramBreakdown> measured) {
    }

    /**
     * A loaded or planned runner's footprint and its level on it: the figures the planner counts for it.
     *
     * @param level the rung of {@code footprint}'s ladder the runner stands on
     */
    public record RunnerFootprint(Footprint footprint, int level) {
    }

    private final MemoryEstimator estimator;
    private final EngineEstimators estimators;
    private final EstimatorSettings settings;
    private final Measurements measurements;
    private final Map<CacheKey, List<Footprint>> cache = new HashMap<>();
    private final Map<String, Optional<ModelGeometry>> geometries = new HashMap<>();
    private final Map<VramKey, RunnerVram> vramCache = new HashMap<>();

    public ModelCatalog(EstimatorSettings settings, Measurements measurements) {
        this.settings = settings;
        this.estimator = new MemoryEstimator(settings);
        this.estimators = EngineEstimators.of(settings);
        this.measurements = measurements;
    }

    /** The estimator of each engine's llama.cpp build. */
    public EngineEstimators estimators() {
        return estimators;
    }

    public EstimatorSettings settings() {
        return settings;
    }

    public MemoryEstimator estimator() {
        return estimator;
    }

    /**
     * The slot layouts for a model: each slot count with {@code contextPerSlot} tokens per slot, capped by what
     * the model was trained for.
     */
    public static List<SlotLayout> options(LocalModel model, List<Integer> slotOptions, int contextPerSlot) {
        int perSlot = model.getContextLength() > 0 ? (int) Math.min(contextPerSlot, model.getContextLength())
                : contextPerSlot;
        List<SlotLayout> options = new ArrayList<>();
        for (int slots : slotOptions) {
            options.add(new SlotLayout(slots, slots * perSlot));
        }
        return options;
    }

    /** The model's footprint on its most preferred ladder (see {@link #ladders}). */
    public Footprint footprint(LocalModel model, SlotLayout option) {
        return ladders(model, option).get(0);
    }

    /**
     * The model's footprints for one slot layout on every ladder its engines may run it on, most preferred first
     * ({@link EngineLadders}): from the estimator on the geometry a worker sent, each rung under its engine's build,
     * or approximately (whole layers) without geometry.
     */
    public List<Footprint> ladders(LocalModel model, SlotLayout option) {
        LoadParameters base = measurements.baseFor(model.getModelId(), option.contextSize());
        CacheKey key = new CacheKey(fingerprint(model), option, base, measurements.version(model.getModelId()));
        List<Footprint> cached = cache.get(key);
        if (cached == null) {
            if (cache.size() > 4096) {
                cache.clear();
            }
            Optional<ModelGeometry> geometry = geometry(model);
            List<Footprint> ladders = new ArrayList<>();
            if (geometry.isPresent()) {
                ModelGeometry g = geometry.get();
                for (OffloadStep[] ladder : EngineLadders.of(model.getArchitecture(), g.layers(),
                        g.mixtureOfExperts())) {
                    ladders.add(Footprints.estimated(estimators, g, model.getModelId(), option, base, measurements,
                            ladder));
                }
            } else {
                // Without geometry no expert is known: whole layers, on each engine that may run the model.
                for (OffloadStep[] ladder : EngineLadders.of(model.getArchitecture(), 0, false)) {
                    ladders.add(approximate(model, option, ladder[0].engine()));
                }
            }
            cached = List.copyOf(ladders);
            cache.put(key, cached);
        }
        return cached;
    }

    /**
     * The footprint a runner of the model counts by and its rung on it: the first ladder with a rung of exactly
     * these figures on this engine, else the preferred ladder at these GPU layers (a runner from before engines).
     */
    public RunnerFootprint runnerFootprint(LocalModel model, SlotLayout option, int gpuLayers,
            int expertLayersOnCpu, EngineKind engine) {
        List<Footprint> ladders = ladders(model, option);
        for (Footprint f : ladders) {
            int level = f.level(gpuLayers, expertLayersOnCpu);
            if (level >= 0 && f.step(level).engine() == engine) {
                return new RunnerFootprint(f, level);
            }
        }
        Footprint preferred = ladders.get(0);
        return new RunnerFootprint(preferred, Math.min(Math.max(0, gpuLayers), preferred.layers() + 1));
    }

    /**
     * The VRAM of one runner of the model, by purpose (for the admin page): estimated with the load settings the
     * model's runners use, and measured where a runner reported exactly these parameters.
     */
    public RunnerVram runnerVram(LocalModel model, SlotLayout option, int gpuLayers) {
        return runnerVram(model, option, gpuLayers, 0, EngineKind.JAVA_LLAMA);
    }

    /** As above, for a runner on this engine with the experts of {@code expertLayersOnCpu} layers in RAM. */
    public RunnerVram runnerVram(LocalModel model, SlotLayout option, int gpuLayers, int expertLayersOnCpu,
            EngineKind engine) {
        MemoryEstimator engineEstimator = estimators.of(engine);
        LoadParameters parameters = Footprints.parametersOf(measurements.baseFor(model.getModelId(),
                option.contextSize()).withContextSize(option.contextSize()).withParallelSlots(option.parallelSlots()),
                new OffloadStep(Math.max(0, gpuLayers), Math.max(0, expertLayersOnCpu), engine), engineEstimator);
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
                estimated = VramBreakdown.of(engineEstimator.estimate(geometry.get(),
                        parameters.withGpuLayers(layers)));
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

    private Footprint approximate(LocalModel model, SlotLayout option, EngineKind engine) {
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
                settings, engine);
    }

    /** Identifies a description without hashing its whole tensor table. */
    private static String fingerprint(LocalModel m) {
        return m.getModelId() + '|' + m.getSizeBytes() + '|' + m.getBlockCount() + '|' + m.getFileName() + '|'
                + m.getGeometry().getTensorsCount() + '|' + m.getGeometry().getLayers() + '|' + m.getLayerBytesCount();
    }
}
