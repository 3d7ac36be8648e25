package io.rigpool.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recent re-plans as the admin page lists them: when, why, the throughput, and what each changed against the
 * plan before it (runners added, removed, or reloaded with other parameters).
 */
public final class PlanHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored plan as {@code planner.plans} holds it (assignments per node, explanation), both as JSON text. */
    public record StoredPlan(long planVersion, Instant createdAt, String trigger, String assignments,
            String details) {
    }

    /**
     * @param runners runners in the plan
     * @param added runners the plan added ("model on node: 17 GPU layers, 1×4096")
     * @param removed runners it removed
     * @param changed runners it kept on their node with other parameters ("model on node: 17 → 12 GPU layers")
     */
    public record Entry(long planVersion, Instant createdAt, String trigger, double servedTps, double demandTps,
            int coverage, int runners, List<String> added, List<String> removed, List<String> changed) {
    }

    private record Runner(int gpuLayers, int contextSize, int slots) {

        String describe() {
            return gpuLayers + " GPU layers, " + slots + "×" + (contextSize / Math.max(1, slots));
        }
    }

    private PlanHistory() {
    }

    /**
     * @param newestFirst plans, newest first: up to {@code limit + 1}, the extra one as the base of the oldest
     *     entry (the oldest stored plan is compared with an empty fleet)
     * @param limit entries wanted
     */
    public static List<Entry> of(List<StoredPlan> newestFirst, int limit) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < newestFirst.size() && entries.size() < limit; i++) {
            StoredPlan plan = newestFirst.get(i);
            Map<String, Runner> now = runners(plan.assignments());
            Map<String, Runner> before = i + 1 < newestFirst.size() ? runners(newestFirst.get(i + 1).assignments())
                    : Map.of();
            List<String> added = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            now.forEach((key, runner) -> {
                Runner old = before.get(key);
                if (old == null) {
                    added.add(key + ": " + runner.describe());
                } else if (!old.equals(runner)) {
                    changed.add(key + ": " + old.describe() + " → " + runner.describe());
                }
            });
            before.forEach((key, runner) -> {
                if (!now.containsKey(key)) {
                    removed.add(key + ": " + runner.describe());
                }
            });
            JsonNode details = parse(plan.details());
            double demand = 0;
            for (JsonNode m : details.path("models")) {
                demand += m.path("demand_tps").asDouble(0);
            }
            entries.add(new Entry(plan.planVersion(), plan.createdAt(), plan.trigger(),
                    round(details.path("served_tps").asDouble(0)), round(demand), details.path("coverage").asInt(0),
                    now.size(), added, removed, changed));
        }
        return entries;
    }

    /** "model on node" → parameters, from the stored assignments (protobuf JSON: camelCase, defaults omitted). */
    private static Map<String, Runner> runners(String assignments) {
        Map<String, Runner> runners = new TreeMap<>();
        JsonNode root = parse(assignments);
        for (Iterator<Map.Entry<String, JsonNode>> nodes = root.fields(); nodes.hasNext();) {
            Map.Entry<String, JsonNode> node = nodes.next();
            for (JsonNode a : node.getValue().path("assignments")) {
                runners.put(a.path("modelId").asText("?") + " on " + node.getKey(), new Runner(
                        a.path("nGpuLayers").asInt(0), a.path("nCtx").asInt(0), a.path("parallelSlots").asInt(1)));
            }
        }
        return runners;
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
