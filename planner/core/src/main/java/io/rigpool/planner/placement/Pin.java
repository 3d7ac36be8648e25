package io.rigpool.planner.placement;

/** An admin's rule: this model runs on this node (when the node holds its file and it fits). */
public record Pin(String modelId, String nodeId) {
}
