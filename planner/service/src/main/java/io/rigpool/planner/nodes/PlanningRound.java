package io.rigpool.planner.nodes;

import io.quarkus.runtime.configuration.MemorySize;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.planner.demand.DemandTracker;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.speed.NodeSpeed;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.placement.ChangeScope;
import io.rigpool.planner.placement.CurrentInstance;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.LayerCap;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.PlacementSettings;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.proto.v1.LocalModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gathers one planning round's problem from the fleet: each live node's smoothed budgets, fitted speed and GPU
 * layer caps, the models the nodes hold with their footprints and demand, the runners in force, the admins' rules
 * and the recent load failures.
 * A disconnected node keeps its runners (it may come back) but may neither change nor take new ones.
 */
final class PlanningRound {

    private final PlannerConfig.Planner config;
    private final ModelCatalog catalog;

    PlanningRound(PlannerConfig.Planner config, ModelCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    PlacementProblem problem(Collection<Node> nodes, AdminRules rules, Map<String, DemandTracker.Demand> demand,
            Map<String, Instant> failures, ChangeScope requested, Instant now) {
        List<NodeSpec> specs = new ArrayList<>();
        List<CurrentInstance> current = new ArrayList<>();
        Set<String> changeable = new HashSet<>();
        Map<String, LayerCap> caps = new HashMap<>();
        for (Node node : nodes) {
            if (!node.live()) {
                continue;
            }
            boolean connected = node.state == NodeState.READY;
            Set<String> models = new HashSet<>();
            if (connected) {
                node.hello.getModelsList().forEach(m -> models.add(m.getModelId()));
                if (requested.allows(node.nodeId)) {
                    changeable.add(node.nodeId);
                }
            } else {
                node.target.forEach(i -> models.add(i.modelId()));
            }
            String unavailable = node.paused() ? "owner paused serving"
                    : rules.drained(node.nodeId) ? "drained by an admin" : null;
            NodeSpeed speed = node.speeds.fitted();
            specs.add(new NodeSpec(node.nodeId, Math.max(0, node.vramBudget.effective()),
                    Math.max(0, node.ramBudget.effective()), Math.max(speed.gpuBandwidth(), speed.cpuBandwidth()),
                    speed.cpuBandwidth(), node.gpuCapable(), models, unavailable, node.budgetNote,
                    node.cpuOnlyReason(), speed.overheadSeconds(), NodeEngines.of(node.hello)));
            node.layerCaps.forEach((model, cap) -> caps.put(PlacementProblem.pairKey(node.nodeId, model), cap));
            for (Instance i : node.target) {
                current.add(new CurrentInstance(i, node.targetSince.getOrDefault(i.modelId(), now)));
            }
        }
        Set<String> excluded = new HashSet<>();
        failures.forEach((pair, until) -> {
            if (until.isAfter(now)) {
                excluded.add(pair);
            }
        });
        return new PlacementProblem(specs, models(nodes, rules, demand), current, List.copyOf(rules.pins()), excluded,
                ChangeScope.only(changeable), now, settings(), caps);
    }

    /** Every model a live node holds, described by the holder that sent the most (geometry first). */
    private List<ModelSpec> models(Collection<Node> nodes, AdminRules rules,
            Map<String, DemandTracker.Demand> demand) {
        Map<String, LocalModel> described = new TreeMap<>();
        for (Node node : nodes) {
            if (!node.live()) {
                continue;
            }
            for (LocalModel m : node.hello.getModelsList()) {
                LocalModel before = described.get(m.getModelId());
                if (before == null || !GeometryMapping.present(before.getGeometry())
                        && GeometryMapping.present(m.getGeometry())) {
                    described.put(m.getModelId(), m);
                }
            }
        }
        List<ModelSpec> specs = new ArrayList<>();
        for (LocalModel m : described.values()) {
            // One list of slot layouts per ladder, in the catalogue's order of preference.
            List<List<Footprint>> ladders = new ArrayList<>();
            for (SlotLayout option : ModelCatalog.options(m, config.runners().slotOptions(),
                    config.runners().contextPerSlot())) {
                List<Footprint> perLadder = catalog.ladders(m, option);
                for (int l = 0; l < perLadder.size(); l++) {
                    if (ladders.size() <= l) {
                        ladders.add(new ArrayList<>());
                    }
                    ladders.get(l).add(perLadder.get(l));
                }
            }
            DemandTracker.Demand d = demand.get(m.getModelId());
            specs.add(new ModelSpec(m.getModelId(), ladders.get(0), d == null ? 0 : d.tokensPerSecond(),
                    rules.minReplicas(m.getModelId()), m.getSizeBytes(), m.getArchitecture(),
                    ladders.subList(1, ladders.size())));
        }
        return specs;
    }

    /** Every model any live node holds, by id (for descriptions and what-ifs). */
    static Map<String, LocalModel> knownModels(Collection<Node> nodes) {
        Map<String, LocalModel> known = new TreeMap<>();
        for (Node node : nodes) {
            if (node.live()) {
                node.hello.getModelsList().forEach(m -> known.merge(m.getModelId(), m,
                        (a, b) -> GeometryMapping.present(a.getGeometry()) ? a : b));
            }
        }
        return known;
    }

    private PlacementSettings settings() {
        PlannerConfig.Replanning r = config.replanning();
        return new PlacementSettings(r.reloadHorizon(), r.loadBytesPerSecond().asLongValue(), r.loadFixed(),
                r.minDwell(), r.minGainTps(), r.minGainFraction(), PlacementSettings.defaults().exactEvaluationLimit(),
                PlacementSettings.defaults().searchRounds(), PlacementSettings.defaults().searchBudget(),
                r.cpuOnlyFloor().map(MemorySize::asLongValue).orElse(Long.MAX_VALUE));
    }
}
