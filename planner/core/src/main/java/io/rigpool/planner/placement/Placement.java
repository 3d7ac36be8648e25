package io.rigpool.planner.placement;

import java.util.List;
import java.util.Map;

/**
 * A plan: the runners of every node, what each model gets, and the objective it was judged by.
 *
 * @param coverage replicas the plan provides towards the models' required replicas (capped per model): the first
 *     goal, before throughput
 * @param servedTps tokens per second of demand served
 * @param valueTps {@code servedTps} less what loads cost (a loading runner serves nothing for a while)
 * @param notes plan-wide remarks: pins that could not be honoured, runners that no longer fit
 * @param quality the objective's terms after served throughput: idle memory, tok/s from CPU layers, headroom,
 *     per-request speed
 */
public record Placement(List<PlannedInstance> instances, Map<String, ModelOutcome> models, int coverage,
        double servedTps, double valueTps, List<String> notes, PlanQuality quality) {

    public Placement {
        instances = List.copyOf(instances);
        models = Map.copyOf(models);
        notes = List.copyOf(notes);
    }

    /** A plan whose quality was not measured (the empty plan before the first round). */
    public Placement(List<PlannedInstance> instances, Map<String, ModelOutcome> models, int coverage,
            double servedTps, double valueTps, List<String> notes) {
        this(instances, models, coverage, servedTps, valueTps, notes, PlanQuality.NONE);
    }

    public List<PlannedInstance> on(String nodeId) {
        return instances.stream().filter(i -> i.nodeId().equals(nodeId)).toList();
    }

    /** The runners without their figures: what two plans must agree on to be the same plan. */
    public List<Instance> runners() {
        return instances.stream().map(PlannedInstance::instance).toList();
    }
}
