package io.rigpool.planner.nodes;

import io.rigpool.planner.models.VramBreakdown;
import io.rigpool.planner.plan.AdminRules;
import io.rigpool.planner.plan.PlanView;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable picture of the fleet, taken after each change, for readers outside the fleet loop.
 *
 * @param models every model a live node holds, by id (protobuf messages are immutable)
 */
public record FleetSnapshot(long planVersion, List<NodeView> nodes, PlanView plan, Map<String, LocalModel> models) {

    static final FleetSnapshot EMPTY = new FleetSnapshot(0, List.of(), PlanView.EMPTY, Map.of());

    /**
     * @param status what an admin needs to know first: ready, draining (drained by an admin: finishes its jobs,
     *     takes no new ones), paused (by its owner), disconnected or lost
     */
    public record NodeView(String nodeId, String hostname, String state, Instant lastSeen, List<GpuView> gpus,
            long ramTotalBytes, long ramFreeBytes, int cpuThreads, boolean gpuOffloadSupported,
            List<ModelView> models, List<AssignmentView> assignments, List<LoadedView> loaded, String status,
            boolean paused, boolean drained, BackendView backend, SpeedView speed, List<LayerCapView> layerCaps) {
    }

    /**
     * A card with its live VRAM and where it goes.
     *
     * @param planned whether plans use this card (runners are not split across cards: the one with most room)
     * @param reserveBytes kept free on this card (on the planned card only)
     * @param ourBytes what rigpool's runners hold (measured where they reported, else estimated)
     * @param otherBytes what other processes use: total − free − ours (the owner's game, the desktop)
     * @param note what does not add up, or null
     * @param segments the stacked bar, in order, with bytes and percent of the card
     * @param runners the runners holding memory on this card
     */
    public record GpuView(int index, String name, long totalBytes, long freeBytes, long usedBytes, boolean planned,
            long reserveBytes, long ourBytes, long otherBytes, String note, List<VramSegment> segments,
            List<RunnerVram> runners) {
    }

    /**
     * @param kind weights, kv_cache, compute, cuda_context, kv_cache_and_compute (approximate figures do not
     *     split them), other_processes, reserve, free
     * @param modelId the runner's model, for a runner's kinds
     * @param basis measured, estimated or approximate, for a runner's kinds
     * @param percent of the card's total (of the segments' sum where that is larger)
     */
    public record VramSegment(String kind, String modelId, String basis, long bytes, double percent) {
    }

    /**
     * One runner's VRAM: estimated and measured side by side (measured is null until a runner reports buffers for
     * exactly these parameters); {@code held} is what the bar shows, the measurement when there is one.
     */
    public record RunnerVram(String modelId, String state, int nGpuLayers, int layersTotal, VramBreakdown estimated,
            VramBreakdown measured, VramBreakdown held) {
    }

    /** A model this node may give at most {@code layers} GPU layers, and why (a load offloaded fewer). */
    public record LayerCapView(String modelId, int layers, String why) {
    }

    public record ModelView(String modelId, String architecture, long sizeBytes, int blockCount, long contextLength,
            boolean geometry) {
    }

    /** @param engine as the assignment names it ("" for java-llama); @param nCpuMoe llama-server's --n-cpu-moe */
    public record AssignmentView(String modelId, int nGpuLayers, int nCtx, int parallelSlots, String reason,
            String engine, int nCpuMoe) {
    }

    /**
     * @param loadProgress 0..1 while loading
     * @param layersTotal llama.cpp's layer count (repeating layers + output), 0 when unknown
     * @param layersOffloaded what llama.cpp says it offloaded ("offloaded N/M layers"), null before a load report
     * @param predictedTps one job's decode speed as the node's fitted speed predicts it (compare with
     *     {@code decodeTps}, measured), null when the node no longer describes the model
     * @param datasheetTps the same from the datasheet's bandwidths alone
     */
    public record LoadedView(String modelId, String state, int slotsTotal, int slotsBusy, double decodeTps,
            int nGpuLayers, int nCtx, String error, double loadProgress, int layersTotal, Integer layersOffloaded,
            Double predictedTps, Double datasheetTps) {
    }

    static FleetSnapshot of(Collection<Node> nodes, long planVersion, PlanView plan, Map<String, LocalModel> models,
            VramUsages vram, SpeedFeedback speeds, AdminRules rules) {
        return new FleetSnapshot(planVersion, nodes.stream().map(n -> view(n, vram, speeds, rules)).toList(), plan,
                Map.copyOf(models));
    }

    public boolean knowsNode(String nodeId) {
        return nodes.stream().anyMatch(n -> n.nodeId().equals(nodeId));
    }

    private static NodeView view(Node node, VramUsages vram, SpeedFeedback speeds, AdminRules rules) {
        Map<String, Integer> layersTotal = new HashMap<>();
        node.hello.getModelsList().forEach(m -> layersTotal.put(m.getModelId(), m.getBlockCount() + 1));
        boolean drained = rules.drained(node.nodeId);
        return new NodeView(node.nodeId, node.hello.getHostname(), node.state.label(), node.lastSeen,
                vram.of(node, rules), node.hello.getRamTotalBytes(), node.ramFreeBytes(), node.hello.getCpuThreads(),
                node.gpuCapable(), node.hello.getModelsList().stream().map(FleetSnapshot::model).toList(),
                node.assignments.stream().map(FleetSnapshot::assignment).toList(),
                node.loaded().stream().map(l -> loaded(node, l, layersTotal, speeds)).toList(), status(node, drained),
                node.paused(), drained, BackendView.of(node), SpeedView.of(node.speeds),
                node.layerCaps.entrySet().stream().map(e -> new LayerCapView(e.getKey(), e.getValue().layers(),
                        e.getValue().why())).toList());
    }

    private static String status(Node node, boolean drained) {
        if (node.state != NodeState.READY) {
            return node.state.label();
        }
        return node.paused() ? "paused" : drained ? "draining" : "ready";
    }

    private static ModelView model(LocalModel m) {
        return new ModelView(m.getModelId(), m.getArchitecture(), m.getSizeBytes(), m.getBlockCount(),
                m.getContextLength(), m.getGeometry().getTensorsCount() > 0);
    }

    private static AssignmentView assignment(Assignment a) {
        return new AssignmentView(a.getModelId(), a.getNGpuLayers(), a.getNCtx(), a.getParallelSlots(), a.getReason(),
                a.getEngine(), a.getNCpuMoe());
    }

    private static LoadedView loaded(Node node, LoadedModel l, Map<String, Integer> layersTotal,
            SpeedFeedback speeds) {
        int total = l.hasLoadReport() && l.getLoadReport().getLayersTotal() > 0 ? l.getLoadReport().getLayersTotal()
                : layersTotal.getOrDefault(l.getModelId(), 0);
        // Boxed on every branch: a mixed int/null conditional unboxes null (a report with a GPU backend and no layer
        // count made every snapshot, and with it every node's next message, fail).
        Integer offloaded = !l.hasLoadReport() ? null : !l.getLoadReport().getGpuBackendPresent() ? Integer.valueOf(0)
                : l.getLoadReport().getLayersTotal() > 0 ? Integer.valueOf(l.getLoadReport().getLayersOffloaded())
                : null;
        Optional<double[]> predicted = speeds.predictedTps(node, l);
        return new LoadedView(l.getModelId(), VramUsages.state(l), l.getSlotsTotal(), l.getSlotsBusy(),
                l.getDecodeTps(), l.getNGpuLayers(), l.getNCtx(), l.getError(),
                Math.max(0, Math.min(1, l.getLoadProgress())), total, offloaded,
                predicted.map(p -> round(p[0])).orElse(null), predicted.map(p -> round(p[1])).orElse(null));
    }

    private static double round(double tps) {
        return Math.round(tps * 100) / 100.0;
    }
}
