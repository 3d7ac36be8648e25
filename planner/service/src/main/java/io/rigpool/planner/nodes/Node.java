package io.rigpool.planner.nodes;

import io.rigpool.planner.placement.BudgetHysteresis;
import io.rigpool.planner.models.RunnerReports;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.LayerCap;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.WorkerHello;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the planner knows of one worker node. Only the fleet loop thread touches it, so it needs no locking.
 */
final class Node {

    final String nodeId;
    WorkerHello hello;
    Heartbeat lastHeartbeat;
    NodeState state = NodeState.READY;
    Instant lastSeen;
    NodeSession session;
    /** Digest of the secret the current session was welcomed with ({@link NodeSecrets}); null before the first. */
    byte[] secretDigest;
    /** What the node was last told to run (the plan's runners, or draining ones on their way out). */
    List<Assignment> assignments = List.of();
    /** The runners of the plan in force on this node. */
    List<Instance> target = List.of();
    /** Since when each target runner (by model id) has been planned with its current parameters. */
    Map<String, Instant> targetSince = new HashMap<>();
    /** Models draining here, and since when. */
    Map<String, Instant> drainingSince = Map.of();
    /** The budgets plans use, smoothed (see {@link BudgetHysteresis}). */
    final BudgetHysteresis vramBudget;
    final BudgetHysteresis ramBudget;
    /** Send the assignments even if unchanged (the node just said hello). */
    boolean resend;
    /** How the VRAM budget was arrived at, for reasons. */
    String budgetNote = "";
    /** Per model: the most GPU layers it may get here, after a load that offloaded fewer than it was asked for. */
    final Map<String, LayerCap> layerCaps = new TreeMap<>();
    /** The runners' measured decode speeds and the node's speed fitted to them. */
    final NodeSpeeds speeds = new NodeSpeeds();

    Node(String nodeId, BudgetHysteresis.Settings vram, BudgetHysteresis.Settings ram) {
        this.nodeId = nodeId;
        this.vramBudget = new BudgetHysteresis(vram);
        this.ramBudget = new BudgetHysteresis(ram);
    }

    /** The node's GPUs with their latest free VRAM: from the last heartbeat when it had any, else from the hello. */
    List<Gpu> gpus() {
        if (lastHeartbeat != null && lastHeartbeat.getGpusCount() > 0) {
            return lastHeartbeat.getGpusList();
        }
        return hello.getGpusList();
    }

    /** Whether plans may give this node GPU layers (see {@link GpuBackend}). */
    boolean gpuCapable() {
        return GpuBackend.capable(hello);
    }

    /** Why this node runs on the CPU only, "" when it does not. */
    String cpuOnlyReason() {
        return GpuBackend.cpuOnlyReason(hello);
    }

    /**
     * The layers a loaded runner really has on the GPU: none on a node without a proven backend, what llama.cpp
     * offloaded when that was fewer than asked, else what it was asked for.
     */
    int layersOnGpu(LoadedModel l) {
        if (!gpuCapable()) {
            return 0;
        }
        int requested = Math.max(0, l.getNGpuLayers());
        if (!l.hasLoadReport()) {
            return requested;
        }
        return Math.min(requested, RunnerReports.shortOffload(l.getLoadReport()).orElse(requested));
    }

    long ramFreeBytes() {
        return lastHeartbeat != null ? lastHeartbeat.getRamFreeBytes() : hello.getRamFreeBytes();
    }

    boolean live() {
        return state != NodeState.LOST;
    }

    boolean paused() {
        return lastHeartbeat != null && lastHeartbeat.getPaused();
    }

    long ownerReserveBytes() {
        return lastHeartbeat != null && lastHeartbeat.getOwnerReserveBytes() > 0
                ? lastHeartbeat.getOwnerReserveBytes() : hello.getOwnerReserveBytes();
    }

    List<LoadedModel> loaded() {
        return lastHeartbeat == null ? List.of() : lastHeartbeat.getLoadedList();
    }

    /**
     * Whether the planner told this node to run the model (a runner of the plan or one draining): only such runners'
     * measurements (buffers, offloads, speeds, crashes) are taken, so a node cannot skew another model's figures.
     */
    boolean assigned(String modelId) {
        return assignments.stream().anyMatch(a -> a.getModelId().equals(modelId))
                || target.stream().anyMatch(i -> i.modelId().equals(modelId));
    }

    /**
     * The runner the planner wants of this model here (its target), else the one the node was last told about:
     * where the experts of a mixture-of-experts model are and on which engine, which a heartbeat does not say.
     */
    Optional<Instance> runnerOf(String modelId) {
        return target.stream().filter(i -> i.modelId().equals(modelId)).findFirst()
                .or(() -> Rollouts.assignedInstances(this).stream().filter(i -> i.modelId().equals(modelId))
                        .findFirst());
    }

    /** Busy slots per model id from the latest heartbeat. */
    Map<String, Integer> busySlots() {
        Map<String, Integer> busy = new HashMap<>();
        loaded().forEach(l -> busy.merge(l.getModelId(), l.getSlotsBusy(), Integer::sum));
        return busy;
    }
}
