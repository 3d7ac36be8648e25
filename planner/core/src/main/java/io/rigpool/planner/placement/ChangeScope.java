package io.rigpool.planner.placement;

import java.util.Set;

/**
 * Which nodes' running runners a planning round may change. An event on one node (its owner started a game)
 * re-plans that node and lets the others only gain runners in free memory, so one PC's trouble never reloads
 * another; a periodic round, with its thresholds, may improve any node.
 */
public record ChangeScope(boolean all, Set<String> nodes) {

    public ChangeScope {
        nodes = Set.copyOf(nodes);
    }

    public static ChangeScope everywhere() {
        return new ChangeScope(true, Set.of());
    }

    /** Only these nodes' runners may change (none when empty: what runs stays, new runners may be added). */
    public static ChangeScope only(Set<String> nodeIds) {
        return new ChangeScope(false, nodeIds);
    }

    public boolean allows(String nodeId) {
        return all || nodes.contains(nodeId);
    }
}
