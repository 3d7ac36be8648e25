package io.rigpool.planner.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Remarks collected while planning: plan-wide ones, and per model (keyed by model id). */
final class Notes {

    final List<String> plan = new ArrayList<>();
    final Map<String, List<String>> models = new TreeMap<>();

    void plan(String note) {
        plan.add(note);
    }

    void model(String modelId, String note) {
        models.computeIfAbsent(modelId, k -> new ArrayList<>()).add(note);
    }

    List<String> of(String modelId) {
        return models.getOrDefault(modelId, List.of());
    }
}
