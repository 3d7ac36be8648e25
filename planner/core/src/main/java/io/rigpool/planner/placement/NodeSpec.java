package io.rigpool.planner.placement;

import io.rigpool.common.engines.EngineKind;
import java.util.List;
import java.util.Set;

/**
 * A node as the optimiser sees it: what it may use and how fast it decodes.
 *
 * @param vramBudget VRAM a plan may fill: live free VRAM plus what rigpool's own runners hold there, less the
 *     reserve (on a node with several GPUs, its largest GPU's; runners are not split across cards)
 * @param ramBudget host memory a plan may fill, computed the same way
 * @param gpuBandwidth bytes per second the GPU reads (the datasheet's, or fitted to the node's measured speeds)
 * @param cpuBandwidth bytes per second the host reads (measured by the worker, or fitted)
 * @param gpuOffload false when the node has no proven GPU backend or no GPU: CPU only
 * @param models ids of the models whose files the node holds
 * @param unavailable why nothing may run there (owner paused, admin drain), or null when it is schedulable
 * @param budgetNote how the VRAM budget was arrived at, for reasons ("7.1 GiB free + 1.2 GiB ours − 0.5 GiB")
 * @param cpuOnlyReason why the node runs on the CPU only, in the node's words, for reasons; "" when it need not
 * @param stepOverheadSeconds fixed time of one decode step beyond reading memory (kernel launches, sampling,
 *     synchronisation), fitted to the node's measured speeds; 0 while it measured nothing
 * @param engines the llama.cpp engines the node runs models with (a model goes only where one loads its
 *     architecture)
 */
public record NodeSpec(String nodeId, long vramBudget, long ramBudget, double gpuBandwidth, double cpuBandwidth,
        boolean gpuOffload, Set<String> models, String unavailable, String budgetNote, String cpuOnlyReason,
        double stepOverheadSeconds, List<NodeEngine> engines) {

    public NodeSpec {
        models = Set.copyOf(models);
        engines = List.copyOf(engines);
        if (gpuBandwidth <= 0 || cpuBandwidth <= 0) {
            throw new IllegalArgumentException(nodeId + ": bandwidths must be positive");
        }
        if (stepOverheadSeconds < 0 || !Double.isFinite(stepOverheadSeconds)) {
            throw new IllegalArgumentException(nodeId + ": step overhead must be finite and >= 0");
        }
        budgetNote = budgetNote == null ? "" : budgetNote;
        cpuOnlyReason = cpuOnlyReason == null ? "" : cpuOnlyReason;
    }

    /** A node whose worker reports no engines: java-llama.cpp with b4916 only. */
    public NodeSpec(String nodeId, long vramBudget, long ramBudget, double gpuBandwidth, double cpuBandwidth,
            boolean gpuOffload, Set<String> models, String unavailable, String budgetNote, String cpuOnlyReason,
            double stepOverheadSeconds) {
        this(nodeId, vramBudget, ramBudget, gpuBandwidth, cpuBandwidth, gpuOffload, models, unavailable, budgetNote,
                cpuOnlyReason, stepOverheadSeconds, List.of(NodeEngine.javaLlamaB4916(gpuOffload)));
    }

    /** A node with datasheet speeds, no stated reason for running on the CPU only, and java-llama b4916. */
    public NodeSpec(String nodeId, long vramBudget, long ramBudget, double gpuBandwidth, double cpuBandwidth,
            boolean gpuOffload, Set<String> models, String unavailable, String budgetNote) {
        this(nodeId, vramBudget, ramBudget, gpuBandwidth, cpuBandwidth, gpuOffload, models, unavailable, budgetNote,
                "", 0);
    }

    /** The same node with these engines. */
    public NodeSpec withEngines(List<NodeEngine> others) {
        return new NodeSpec(nodeId, vramBudget, ramBudget, gpuBandwidth, cpuBandwidth, gpuOffload, models,
                unavailable, budgetNote, cpuOnlyReason, stepOverheadSeconds, others);
    }

    /** Whether an engine of this kind on the node loads the architecture. */
    public boolean loads(EngineKind kind, String architecture) {
        return engines.stream().anyMatch(e -> e.kind() == kind && e.loads(architecture));
    }

    /** Whether an engine of this kind on the node loads the architecture and puts layers on its GPU. */
    public boolean offloads(EngineKind kind, String architecture) {
        return gpuOffload && engines.stream().anyMatch(e -> e.kind() == kind && e.loads(architecture)
                && e.gpuProven());
    }

    public boolean schedulable() {
        return unavailable == null;
    }

    public boolean holds(String modelId) {
        return models.contains(modelId);
    }
}
