package io.rigpool.planner.placement;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one planning round reads, immutable. Nodes and models are kept sorted by id so that the same problem
 * always yields the same plan, whatever order the caller collected them in.
 *
 * @param current the runners of the plan in force
 * @param excluded "node/model" pairs not to use for now (a load there just failed)
 * @param scope whose running runners this round may change
 * @param now the time of the round, for dwell times
 * @param layerCaps "node/model" pairs whose n_gpu_layers may not exceed what a load there really offloaded
 */
public record PlacementProblem(List<NodeSpec> nodes, List<ModelSpec> models, List<CurrentInstance> current,
        List<Pin> pins, Set<String> excluded, ChangeScope scope, Instant now, PlacementSettings settings,
        Map<String, LayerCap> layerCaps) {

    public PlacementProblem {
        nodes = nodes.stream().sorted(Comparator.comparing(NodeSpec::nodeId)).toList();
        models = models.stream().sorted(Comparator.comparing(ModelSpec::modelId)).toList();
        current = current.stream().sorted(Comparator.comparing((CurrentInstance c) -> c.instance().nodeId())
                .thenComparing(c -> c.instance().modelId())).toList();
        pins = pins.stream().sorted(Comparator.comparing(Pin::modelId).thenComparing(Pin::nodeId)).distinct()
                .toList();
        excluded = Set.copyOf(excluded);
        layerCaps = Map.copyOf(layerCaps);
        requireUnique(nodes.stream().map(NodeSpec::nodeId).toList(), "node");
        requireUnique(models.stream().map(ModelSpec::modelId).toList(), "model");
    }

    /** A problem with no layer caps. */
    public PlacementProblem(List<NodeSpec> nodes, List<ModelSpec> models, List<CurrentInstance> current,
            List<Pin> pins, Set<String> excluded, ChangeScope scope, Instant now, PlacementSettings settings) {
        this(nodes, models, current, pins, excluded, scope, now, settings, Map.of());
    }

    /** A problem with no plan in force, no pins and no exclusions. */
    public static PlacementProblem fresh(List<NodeSpec> nodes, List<ModelSpec> models, PlacementSettings settings) {
        return new PlacementProblem(nodes, models, List.of(), List.of(), Set.of(), ChangeScope.everywhere(),
                Instant.EPOCH, settings);
    }

    public PlacementProblem withCurrent(List<CurrentInstance> running, Instant at) {
        return new PlacementProblem(nodes, models, running, pins, excluded, scope, at, settings, layerCaps);
    }

    public PlacementProblem withNodes(List<NodeSpec> changed) {
        return new PlacementProblem(changed, models, current, pins, excluded, scope, now, settings, layerCaps);
    }

    public PlacementProblem withModels(List<ModelSpec> changed) {
        return new PlacementProblem(nodes, changed, current, pins, excluded, scope, now, settings, layerCaps);
    }

    public PlacementProblem withPins(List<Pin> changed) {
        return new PlacementProblem(nodes, models, current, changed, excluded, scope, now, settings, layerCaps);
    }

    public PlacementProblem withScope(ChangeScope changed) {
        return new PlacementProblem(nodes, models, current, pins, excluded, changed, now, settings, layerCaps);
    }

    public PlacementProblem withExcluded(Set<String> pairs) {
        return new PlacementProblem(nodes, models, current, pins, pairs, scope, now, settings, layerCaps);
    }

    public PlacementProblem withSettings(PlacementSettings changed) {
        return new PlacementProblem(nodes, models, current, pins, excluded, scope, now, changed, layerCaps);
    }

    public PlacementProblem withLayerCaps(Map<String, LayerCap> caps) {
        return new PlacementProblem(nodes, models, current, pins, excluded, scope, now, settings, caps);
    }

    public Map<String, ModelSpec> modelsById() {
        Map<String, ModelSpec> byId = new LinkedHashMap<>();
        models.forEach(m -> byId.put(m.modelId(), m));
        return byId;
    }

    public Map<String, NodeSpec> nodesById() {
        Map<String, NodeSpec> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put(n.nodeId(), n));
        return byId;
    }

    public static String pairKey(String nodeId, String modelId) {
        return nodeId + "/" + modelId;
    }

    private static void requireUnique(List<String> ids, String what) {
        if (Set.copyOf(ids).size() != ids.size()) {
            throw new IllegalArgumentException("duplicate " + what + " id in " + ids);
        }
    }
}
