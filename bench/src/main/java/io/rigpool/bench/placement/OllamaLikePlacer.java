package io.rigpool.bench.placement;

import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.SlotLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An Ollama-style fleet: every node runs its own loader with no view of the others. Requests arrive in proportion
 * to demand, so in steady state each node keeps the models it is asked for most (least recently used ones are
 * evicted): it loads them most-demanded first, at most three per GPU, a second model only if it fits wholly in
 * the VRAM left (Ollama loads models side by side only when they fully fit), the first one with as many layers as
 * fit. Parallel slots: 4 when the model fits the GPU with them (or the most the case offers), else 1 (Ollama's
 * automatic choice). Free VRAM is read live, as Ollama does. Models nobody asks for are never loaded.
 */
final class OllamaLikePlacer {

    private static final int MAX_LOADED = 3;
    private static final SlotLayout FOUR = new SlotLayout(4, 4 * 4096);
    private static final SlotLayout TWO = new SlotLayout(2, 2 * 4096);
    private static final SlotLayout ONE = new SlotLayout(1, 4096);

    List<Instance> place(PlacementProblem problem) {
        List<ModelSpec> byDemand = problem.models().stream().filter(m -> m.demandTps() > 0)
                .sorted(Comparator.comparingDouble(ModelSpec::demandTps).reversed()
                        .thenComparing(ModelSpec::modelId)).toList();
        List<Instance> runners = new ArrayList<>();
        for (NodeSpec node : problem.nodes()) {
            if (!node.schedulable()) {
                continue;
            }
            long vram = node.gpuOffload() ? node.vramBudget() : 0;
            long ram = node.ramBudget();
            int loaded = 0;
            for (ModelSpec model : byDemand) {
                if (loaded == MAX_LOADED || !node.holds(model.modelId())) {
                    continue;
                }
                Instance chosen = null;
                for (SlotLayout option : List.of(FOUR, TWO, ONE)) {
                    Footprint f = model.footprint(option).orElse(null);
                    if (f == null) {
                        continue;
                    }
                    int full = f.fullOffload();
                    if (chosen == null && f.gpuBytes(full) <= vram && f.cpuBytes(full) <= ram) {
                        chosen = new Instance(node.nodeId(), model.modelId(), option, full);
                    }
                }
                if (chosen == null && loaded == 0) {
                    Footprint f = model.footprint(ONE).orElseThrow();
                    int layers = f.largestFitting(vram, ram, node.gpuOffload());
                    if (layers >= 0) {
                        chosen = new Instance(node.nodeId(), model.modelId(), ONE, layers);
                    }
                }
                if (chosen != null) {
                    Footprint f = model.footprint(chosen.option()).orElseThrow();
                    vram -= f.gpuBytes(chosen.gpuLayers());
                    ram -= f.cpuBytes(chosen.gpuLayers());
                    runners.add(chosen);
                    loaded++;
                }
            }
        }
        return runners;
    }
}
