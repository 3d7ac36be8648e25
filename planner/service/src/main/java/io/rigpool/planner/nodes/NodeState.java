package io.rigpool.planner.nodes;

/** Life of a node as the planner sees it. */
public enum NodeState {
    /** Connected and heartbeating. */
    READY,
    /** Its stream broke; it keeps its assignments for a while in case it reconnects. */
    DISCONNECTED,
    /** Silent for longer than the configured time; what it ran has been planned elsewhere. */
    LOST;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
