package io.rigpool.planner.models;

import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.placement.Footprints;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The buffers runners measured, per model and load parameters, and the load settings each model's runners use
 * (cache types, flash attention, batches, mmap), so that estimates are made for the parameters a runner will
 * really get and a measurement matches its estimate's key. Touched by the fleet loop only.
 */
public final class Measurements implements Footprints.Measurements {

    private final Map<MeasuredBuffers.Key, MeasuredBuffers> byKey = new HashMap<>();
    private final Map<String, LoadParameters> settingsByModel = new HashMap<>();
    private final Map<String, Integer> versionByModel = new HashMap<>();

    /** @return true when this is news (a new key, or other buffers or another llama.cpp build) */
    public boolean record(MeasuredBuffers measured) {
        MeasuredBuffers.Key key = measured.key();
        settingsByModel.put(key.modelId(), key.parameters());
        MeasuredBuffers before = byKey.get(key);
        if (before != null && before.buffers().equals(measured.buffers())
                && before.llamaCppBuild().equals(measured.llamaCppBuild())) {
            return false;
        }
        byKey.put(key, measured);
        versionByModel.merge(key.modelId(), 1, Integer::sum);
        return true;
    }

    @Override
    public Optional<MeasuredBuffers> find(String modelId, LoadParameters parameters) {
        return Optional.ofNullable(byKey.get(new MeasuredBuffers.Key(modelId, parameters)));
    }

    /** llama.cpp's defaults with the cache, attention and batch settings this model's runners last reported. */
    public LoadParameters baseFor(String modelId, int contextSize) {
        LoadParameters reported = settingsByModel.get(modelId);
        LoadParameters defaults = LoadParameters.defaults(contextSize);
        if (reported == null) {
            return defaults;
        }
        return defaults.withCacheTypes(reported.cacheTypeK(), reported.cacheTypeV())
                .withFlashAttention(reported.flashAttention())
                .withBatchSizes(reported.batchSize(), reported.microBatchSize()).withMmap(reported.mmap());
    }

    /** Changes whenever a measurement of the model arrives, so cached footprints know they are stale. */
    public int version(String modelId) {
        return versionByModel.getOrDefault(modelId, 0);
    }

    public int size() {
        return byKey.size();
    }
}
