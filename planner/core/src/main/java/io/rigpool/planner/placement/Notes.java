package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Remarks collected while planning: plan-wide ones, per model (keyed by model id) and per runner. */
final class Notes {

    final List<String> plan = new ArrayList<>();
    final Map<String, List<String>> models = new TreeMap<>();
    private final Map<String, String> runners = new TreeMap<>();

    void plan(String note) {
        plan.add(note);
    }

    void model(String modelId, String note) {
        models.computeIfAbsent(modelId, k -> new ArrayList<>()).add(note);
    }

    /** Why a step put this model's runner on this node, for its reason. */
    void runner(String nodeId, String modelId, String why) {
        runners.put(nodeId + '\n' + modelId, why);
    }

    /** What {@link #runner} noted for this runner, or null. */
    String runner(String nodeId, String modelId) {
        return runners.get(nodeId + '\n' + modelId);
    }

    List<String> of(String modelId) {
        return models.getOrDefault(modelId, List.of());
    }
}
