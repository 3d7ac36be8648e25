package io.rigpool.planner.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runner of a new plan, with the figures it was chosen by and its explanation.
 *
 * @param gpuBytes VRAM it needs
 * @param cpuBytes RAM it needs
 * @param capacityTps tokens per second it decodes with every slot busy and its node to itself
 * @param servedTps tokens per second of demand the plan expects it to serve
 * @param basis where its memory figures come from (measured, estimated, approximate)
 * @param reason the explanation in numbers: needs, has, predicted speed, what else was considered
 * @param reasonCode what kept it in the plan, stable whatever the wording of {@code reason}
 * @param figures the reason's key figures by name (bytes, tok/s, layers, shares; "_without" ones are the plan's
 *     without this runner), in the order the reason gives them
 */
public record PlannedInstance(Instance instance, Change change, long gpuBytes, long cpuBytes, double capacityTps,
        double servedTps, Footprint.Basis basis, String reason, ReasonCode reasonCode, Map<String, Double> figures) {

    public PlannedInstance {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** How the runner relates to the plan in force. */
    public enum Change {
        /** Already assigned with exactly these parameters: nothing to load. */
        KEPT,
        /** Runs on this node already, with other parameters: the runner is restarted. */
        RELOADED,
        /** Not on this node yet: a load. */
        NEW
    }

    public String nodeId() {
        return instance.nodeId();
    }

    public String modelId() {
        return instance.modelId();
    }
}
