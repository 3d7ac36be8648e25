package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.planner.estimate.speed.NodeSpeed;
import io.rigpool.planner.models.ModelCatalog;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.SlotLayout;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.util.Optional;

/**
 * Runners' measured decode speeds in, each node's fitted speed out: the bytes a step reads come from the same
 * footprints the optimiser plans with, so a fitted speed predicts exactly what the plan will assume. A runner's
 * {@code decode_tps} is one job's speed, so a step is measured for one sequence: the weights once and one slot's
 * share of the KV cache (the footprint of one slot with the runner's per-slot context).
 */
final class SpeedFeedback {

    private final ModelCatalog catalog;
    private final NodeBudgets budgets;

    SpeedFeedback(ModelCatalog catalog, NodeBudgets budgets) {
        this.catalog = catalog;
        this.budgets = budgets;
    }

    /** The node said hello: its datasheet figures (card table, measured host bandwidth) are the prior. */
    void hello(Node node) {
        node.speeds.datasheet(NodeSpeed.datasheet(budgets.gpuBandwidth(node), budgets.cpuBandwidth(node)));
        node.speeds.refit(shape -> reads(node, shape));
    }

    /**
     * Takes the speeds of the node's ready runners it was assigned from its latest heartbeat and fits the node again.
     *
     * @return true when a runner shape was measured for the first time (worth a re-plan of the node)
     */
    boolean heartbeat(Node node) {
        boolean first = false;
        boolean any = false;
        for (LoadedModel l : node.loaded()) {
            if ((l.getState() == LoadState.LOAD_STATE_READY || l.getState() == LoadState.LOAD_STATE_DRAINING)
                    && l.getDecodeTps() > 0 && node.assigned(l.getModelId())) {
                first |= node.speeds.observe(shape(node, l), l.getDecodeTps());
                any = true;
            }
        }
        if (any) {
            node.speeds.refit(shape -> reads(node, shape));
        }
        return first;
    }

    static NodeSpeeds.RunnerShape shape(Node node, LoadedModel l) {
        Optional<Instance> runner = node.runnerOf(l.getModelId());
        return new NodeSpeeds.RunnerShape(l.getModelId(), node.layersOnGpu(l), Math.max(1, l.getNCtx()),
                Math.max(1, l.getSlotsTotal()), runner.map(Instance::expertLayersOnCpu).orElse(0),
                runner.map(Instance::engine).orElse(EngineKind.JAVA_LLAMA));
    }

    /** What one job of this runner should decode at on this node: fitted, and by the datasheet alone. */
    Optional<double[]> predictedTps(Node node, LoadedModel l) {
        return reads(node, shape(node, l)).map(r -> new double[] {node.speeds.fitted().tokensPerSecond(r[0], r[1]),
                node.speeds.datasheet().tokensPerSecond(r[0], r[1])});
    }

    private Optional<double[]> reads(Node node, NodeSpeeds.RunnerShape shape) {
        Optional<LocalModel> model = node.hello.getModelsList().stream()
                .filter(m -> m.getModelId().equals(shape.modelId())).findFirst();
        if (model.isEmpty()) {
            return Optional.empty();
        }
        int perSlot = Math.max(1, shape.contextSize() / shape.parallelSlots());
        ModelCatalog.RunnerFootprint runner = catalog.runnerFootprint(model.get(), new SlotLayout(1, perSlot),
                shape.gpuLayers(), shape.expertLayersOnCpu(), shape.engine());
        Footprint f = runner.footprint();
        return Optional.of(new double[] {f.gpuReads(runner.level()), f.cpuReads(runner.level())});
    }
}
