package io.rigpool.planner.nodes;

import io.rigpool.planner.plan.PlanView;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable picture of the fleet, taken after each change, for readers outside the fleet loop.
 *
 * @param models every model a live node holds, by id (protobuf messages are immutable)
 */
public record FleetSnapshot(long planVersion, List<NodeView> nodes, PlanView plan, Map<String, LocalModel> models) {

    static final FleetSnapshot EMPTY = new FleetSnapshot(0, List.of(), PlanView.EMPTY, Map.of());

    public record NodeView(String nodeId, String hostname, String state, Instant lastSeen, List<GpuView> gpus,
            long ramTotalBytes, long ramFreeBytes, int cpuThreads, boolean gpuOffloadSupported,
            List<ModelView> models, List<AssignmentView> assignments, List<LoadedView> loaded) {
    }

    public record GpuView(int index, String name, long totalBytes, long freeBytes, long usedBytes) {
    }

    public record ModelView(String modelId, String architecture, long sizeBytes, int blockCount, long contextLength,
            boolean geometry) {
    }

    public record AssignmentView(String modelId, int nGpuLayers, int nCtx, int parallelSlots, String reason) {
    }

    public record LoadedView(String modelId, String state, int slotsTotal, int slotsBusy, double decodeTps,
            int nGpuLayers, int nCtx, String error) {
    }

    static FleetSnapshot of(Collection<Node> nodes, long planVersion, PlanView plan, Map<String, LocalModel> models) {
        return new FleetSnapshot(planVersion, nodes.stream().map(FleetSnapshot::view).toList(), plan,
                Map.copyOf(models));
    }

    public boolean knowsNode(String nodeId) {
        return nodes.stream().anyMatch(n -> n.nodeId().equals(nodeId));
    }

    private static NodeView view(Node node) {
        return new NodeView(node.nodeId, node.hello.getHostname(), node.state.label(), node.lastSeen,
                node.gpus().stream().map(FleetSnapshot::gpu).toList(),
                node.hello.getRamTotalBytes(), node.ramFreeBytes(), node.hello.getCpuThreads(),
                node.hello.getGpuOffloadSupported(),
                node.hello.getModelsList().stream().map(FleetSnapshot::model).toList(),
                node.assignments.stream().map(FleetSnapshot::assignment).toList(),
                node.loaded().stream().map(FleetSnapshot::loaded).toList());
    }

    private static GpuView gpu(Gpu g) {
        return new GpuView(g.getIndex(), g.getName(), g.getTotalBytes(), g.getFreeBytes(), g.getUsedBytes());
    }

    private static ModelView model(LocalModel m) {
        return new ModelView(m.getModelId(), m.getArchitecture(), m.getSizeBytes(), m.getBlockCount(),
                m.getContextLength(), m.getGeometry().getTensorsCount() > 0);
    }

    private static AssignmentView assignment(Assignment a) {
        return new AssignmentView(a.getModelId(), a.getNGpuLayers(), a.getNCtx(), a.getParallelSlots(), a.getReason());
    }

    private static LoadedView loaded(LoadedModel l) {
        return new LoadedView(l.getModelId(), l.getState().name().replace("LOAD_STATE_", "").toLowerCase(Locale.ROOT),
                l.getSlotsTotal(), l.getSlotsBusy(), l.getDecodeTps(), l.getNGpuLayers(), l.getNCtx(), l.getError());
    }
}
