package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** An immutable picture of the fleet, taken after each change, for readers outside the fleet loop. */
public record FleetSnapshot(long planVersion, List<NodeView> nodes) {

    static final FleetSnapshot EMPTY = new FleetSnapshot(0, List.of());

    public record NodeView(String nodeId, String hostname, String state, Instant lastSeen, List<GpuView> gpus,
            long ramTotalBytes, long ramFreeBytes, int cpuThreads, boolean gpuOffloadSupported,
            List<ModelView> models, List<AssignmentView> assignments, List<LoadedView> loaded) {
    }

    public record GpuView(int index, String name, long totalBytes, long freeBytes, long usedBytes) {
    }

    public record ModelView(String modelId, String architecture, long sizeBytes, int blockCount, long contextLength) {
    }

    public record AssignmentView(String modelId, int nGpuLayers, int nCtx, int parallelSlots, String reason) {
    }

    public record LoadedView(String modelId, String state, int slotsTotal, int slotsBusy) {
    }

    static FleetSnapshot of(Collection<Node> nodes, long planVersion) {
        return new FleetSnapshot(planVersion, nodes.stream().map(FleetSnapshot::view).toList());
    }

    private static NodeView view(Node node) {
        List<LoadedModel> loaded = node.lastHeartbeat == null ? List.of() : node.lastHeartbeat.getLoadedList();
        return new NodeView(node.nodeId, node.hello.getHostname(), node.state.label(), node.lastSeen,
                node.gpus().stream().map(FleetSnapshot::gpu).toList(),
                node.hello.getRamTotalBytes(), node.ramFreeBytes(), node.hello.getCpuThreads(),
                node.hello.getGpuOffloadSupported(),
                node.hello.getModelsList().stream().map(FleetSnapshot::model).toList(),
                node.assignments.stream().map(FleetSnapshot::assignment).toList(),
                loaded.stream().map(l -> new LoadedView(l.getModelId(),
                        l.getState().name().replace("LOAD_STATE_", "").toLowerCase(java.util.Locale.ROOT),
                        l.getSlotsTotal(), l.getSlotsBusy())).toList());
    }

    private static GpuView gpu(Gpu g) {
        return new GpuView(g.getIndex(), g.getName(), g.getTotalBytes(), g.getFreeBytes(), g.getUsedBytes());
    }

    private static ModelView model(LocalModel m) {
        return new ModelView(m.getModelId(), m.getArchitecture(), m.getSizeBytes(), m.getBlockCount(),
                m.getContextLength());
    }

    private static AssignmentView assignment(Assignment a) {
        return new AssignmentView(a.getModelId(), a.getNGpuLayers(), a.getNCtx(), a.getParallelSlots(), a.getReason());
    }
}
