package io.rigpool.planner.placement;

import java.util.List;

/**
 * What a plan does for one model.
 *
 * @param notes why nodes were not used for it ("node-b: does not hold the file", "node-c: needs 5.1 GiB, has 3.0")
 */
public record ModelOutcome(String modelId, double demandTps, double servedTps, int replicas, int requiredReplicas,
        List<String> notes) {

    public ModelOutcome {
        notes = List.copyOf(notes);
    }
}
