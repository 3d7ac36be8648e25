package io.rigpool.bench.placement;

import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.SlotLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A GPUStack-style scheduler: one replica per model (its default), placed by fixed strategies tried in order —
 * full offload on one GPU, then partial offload, then CPU — taking the first that fits, binpack among the nodes a
 * strategy allows. Like GPUStack it counts only its own claims as used VRAM: what the owner's desktop holds is
 * invisible to it. Runners use llama-box's default of 4 parallel slots (or the most the case offers). Demand
 * plays no part.
 */
final class GpuStackLikePlacer {

    static final SlotLayout SLOTS = new SlotLayout(4, 4 * 4096);

    /**
     * @param totalVram each node's card VRAM, which GPUStack believes it may fill
     */
    List<Instance> place(PlacementProblem problem, Map<String, Long> totalVram) {
        Map<String, Long> vramLeft = new HashMap<>(totalVram);
        Map<String, Long> ramLeft = new HashMap<>();
        problem.nodes().forEach(n -> ramLeft.put(n.nodeId(), n.ramBudget()));
        List<Instance> runners = new ArrayList<>();
        for (ModelSpec model : problem.models()) {
            Footprint f = model.footprint(SLOTS).orElse(model.options().get(model.options().size() - 1));
            Instance chosen = fullOffload(problem, model, f, vramLeft, ramLeft);
            if (chosen == null) {
                chosen = partialOffload(problem, model, f, vramLeft, ramLeft);
            }
            if (chosen == null) {
                chosen = cpuOnly(problem, model, f, ramLeft);
            }
            if (chosen != null) {
                runners.add(chosen);
                vramLeft.merge(chosen.nodeId(), -f.gpuBytes(chosen.gpuLayers()), Long::sum);
                ramLeft.merge(chosen.nodeId(), -f.cpuBytes(chosen.gpuLayers()), Long::sum);
            }
        }
        return runners;
    }

    /** Binpack: of the nodes that hold the whole model, the one left with the least VRAM. */
    private static Instance fullOffload(PlacementProblem problem, ModelSpec model, Footprint f,
            Map<String, Long> vramLeft, Map<String, Long> ramLeft) {
        int full = f.fullOffload();
        NodeSpec best = null;
        for (NodeSpec n : candidates(problem, model)) {
            if (n.gpuOffload() && f.gpuBytes(full) <= vramLeft.get(n.nodeId())
                    && f.cpuBytes(full) <= ramLeft.get(n.nodeId())
                    && (best == null || vramLeft.get(n.nodeId()) < vramLeft.get(best.nodeId()))) {
                best = n;
            }
        }
        return best == null ? null : new Instance(best.nodeId(), model.modelId(), f.option(), full);
    }

    /** The node that takes the most layers, binpack on ties. */
    private static Instance partialOffload(PlacementProblem problem, ModelSpec model, Footprint f,
            Map<String, Long> vramLeft, Map<String, Long> ramLeft) {
        NodeSpec best = null;
        int bestLayers = 0;
        for (NodeSpec n : candidates(problem, model)) {
            int layers = n.gpuOffload() ? f.largestFitting(vramLeft.get(n.nodeId()), ramLeft.get(n.nodeId()), true)
                    : 0;
            if (layers > bestLayers || layers == bestLayers && layers > 0 && best != null
                    && vramLeft.get(n.nodeId()) < vramLeft.get(best.nodeId())) {
                best = n;
                bestLayers = layers;
            }
        }
        return best == null ? null : new Instance(best.nodeId(), model.modelId(), f.option(), bestLayers);
    }

    private static Instance cpuOnly(PlacementProblem problem, ModelSpec model, Footprint f,
            Map<String, Long> ramLeft) {
        for (NodeSpec n : candidates(problem, model)) {
            if (f.cpuBytes(0) <= ramLeft.get(n.nodeId())) {
                return new Instance(n.nodeId(), model.modelId(), f.option(), 0);
            }
        }
        return null;
    }

    private static List<NodeSpec> candidates(PlacementProblem problem, ModelSpec model) {
        return problem.nodes().stream().filter(n -> n.schedulable() && n.holds(model.modelId())).toList();
    }
}
