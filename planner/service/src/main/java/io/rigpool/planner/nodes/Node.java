package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.WorkerHello;
import java.time.Instant;
import java.util.List;

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
    List<Assignment> assignments = List.of();

    Node(String nodeId) {
        this.nodeId = nodeId;
    }

    /** The node's GPUs with their latest free VRAM: from the last heartbeat when it had any, else from the hello. */
    List<Gpu> gpus() {
        if (lastHeartbeat != null && lastHeartbeat.getGpusCount() > 0) {
            return lastHeartbeat.getGpusList();
        }
        return hello.getGpusList();
    }

    long ramFreeBytes() {
        return lastHeartbeat != null ? lastHeartbeat.getRamFreeBytes() : hello.getRamFreeBytes();
    }

    boolean live() {
        return state != NodeState.LOST;
    }
}
