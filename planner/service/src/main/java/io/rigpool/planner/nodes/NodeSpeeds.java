package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.speed.DecodeObservation;
import io.rigpool.planner.estimate.speed.NodeSpeed;
import io.rigpool.planner.estimate.speed.SpeedCalibration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One node's measured decode speeds, one per runner shape (model, GPU layers, context, slots: the latest job's
 * speed stands for the shape), and the node's speed fitted to them with {@link SpeedCalibration}. Kept with the
 * node in the fleet loop's memory: a planner restart starts again from the datasheet, and the first jobs correct it.
 */
final class NodeSpeeds {

    /** The load parameters that decide what a decode step reads. */
    record RunnerShape(String modelId, int gpuLayers, int contextSize, int parallelSlots, int expertLayersOnCpu,
            EngineKind engine) {

        /** A whole-layer runner on the default engine. */
        RunnerShape(String modelId, int gpuLayers, int contextSize, int parallelSlots) {
            this(modelId, gpuLayers, contextSize, parallelSlots, 0, EngineKind.JAVA_LLAMA);
        }
    }

    /** Enough shapes to fit three unknowns many times over; the oldest go first. */
    static final int MAX_SHAPES = 16;

    private final Map<RunnerShape, Double> measuredTps = new LinkedHashMap<>();
    private NodeSpeed datasheet = NodeSpeed.datasheet(300e9, 40e9);
    private NodeSpeed fitted = datasheet;

    NodeSpeed datasheet() {
        return datasheet;
    }

    /** The datasheet's figures where nothing was measured, else the fit. */
    NodeSpeed fitted() {
        return fitted;
    }

    Optional<Double> measured(RunnerShape shape) {
        return Optional.ofNullable(measuredTps.get(shape));
    }

    void datasheet(NodeSpeed prior) {
        datasheet = prior;
        if (measuredTps.isEmpty()) {
            fitted = prior;
        }
    }

    /**
     * Records a runner's latest measured speed (0 before its first job is ignored).
     *
     * @return true when this shape was measured for the first time
     */
    boolean observe(RunnerShape shape, double tokensPerSecond) {
        if (!(tokensPerSecond > 0) || !Double.isFinite(tokensPerSecond)) {
            return false;
        }
        boolean first = !measuredTps.containsKey(shape);
        measuredTps.remove(shape);
        measuredTps.put(shape, tokensPerSecond);
        for (Iterator<RunnerShape> oldest = measuredTps.keySet().iterator(); measuredTps.size() > MAX_SHAPES;) {
            oldest.next();
            oldest.remove();
        }
        return first;
    }

    /**
     * Fits the node's speed again.
     *
     * @param reads bytes one step of a runner of that shape reads from the GPU and the host ({@code [gpu, cpu]}),
     *     empty when the node no longer describes the model
     */
    void refit(Function<RunnerShape, Optional<double[]>> reads) {
        List<DecodeObservation> observations = new ArrayList<>();
        measuredTps.forEach((shape, tps) -> reads.apply(shape).ifPresent(r -> observations.add(
                DecodeObservation.ofTokensPerSecond(r[0], r[1], tps))));
        fitted = SpeedCalibration.fit(datasheet, observations);
    }
}
