package io.rigpool.planner.placement;

import java.util.Set;

/**
 * A node as the optimiser sees it: what it may use and how fast it reads memory.
 *
 * @param vramBudget VRAM a plan may fill: live free VRAM plus what rigpool's own runners hold there, less the
 *     reserve (on a node with several GPUs, its largest GPU's; runners are not split across cards)
 * @param ramBudget host memory a plan may fill, computed the same way
 * @param gpuBandwidth bytes per second the GPU reads
 * @param cpuBandwidth bytes per second the host reads
 * @param gpuOffload false when the node's llama.cpp has no GPU backend or the node has no GPU: CPU only
 * @param models ids of the models whose files the node holds
 * @param unavailable why nothing may run there (owner paused, admin drain), or null when it is schedulable
 * @param budgetNote how the VRAM budget was arrived at, for reasons ("7.1 GiB free + 1.2 GiB ours − 0.5 GiB")
 */
public record NodeSpec(String nodeId, long vramBudget, long ramBudget, double gpuBandwidth, double cpuBandwidth,
        boolean gpuOffload, Set<String> models, String unavailable, String budgetNote) {

    public NodeSpec {
        models = Set.copyOf(models);
        if (gpuBandwidth <= 0 || cpuBandwidth <= 0) {
            throw new IllegalArgumentException(nodeId + ": bandwidths must be positive");
        }
        budgetNote = budgetNote == null ? "" : budgetNote;
    }

    public boolean schedulable() {
        return unavailable == null;
    }

    public boolean holds(String modelId) {
        return models.contains(modelId);
    }
}
