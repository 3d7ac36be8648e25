package io.rigpool.planner.plan;

import io.rigpool.planner.placement.Pin;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What admins decided: drained nodes, per-node VRAM reserves, pins and minimum replicas. Owned by the fleet loop;
 * {@link #copy()} gives readers their own.
 */
public final class AdminRules {

    private final Map<String, Long> reserves = new HashMap<>();
    private final Set<String> drained = new TreeSet<>();
    private final Set<Pin> pins = new java.util.LinkedHashSet<>();
    private final Map<String, Integer> minReplicas = new HashMap<>();

    public Optional<Long> reserve(String nodeId) {
        return Optional.ofNullable(reserves.get(nodeId));
    }

    public void setReserve(String nodeId, Long bytes) {
        if (bytes == null) {
            reserves.remove(nodeId);
        } else {
            reserves.put(nodeId, bytes);
        }
    }

    public boolean drained(String nodeId) {
        return drained.contains(nodeId);
    }

    public void setDrained(String nodeId, boolean drain) {
        if (drain) {
            drained.add(nodeId);
        } else {
            drained.remove(nodeId);
        }
    }

    public Set<Pin> pins() {
        return Set.copyOf(pins);
    }

    public boolean pin(Pin pin) {
        return pins.add(pin);
    }

    public boolean unpin(Pin pin) {
        return pins.remove(pin);
    }

    public int minReplicas(String modelId) {
        return minReplicas.getOrDefault(modelId, 0);
    }

    public Map<String, Integer> allMinReplicas() {
        return Map.copyOf(minReplicas);
    }

    public void setMinReplicas(String modelId, int replicas) {
        if (replicas == 0) {
            minReplicas.remove(modelId);
        } else {
            minReplicas.put(modelId, replicas);
        }
    }

    public Set<String> drainedNodes() {
        return Set.copyOf(drained);
    }

    public Map<String, Long> reserves() {
        return Map.copyOf(reserves);
    }

    public AdminRules copy() {
        AdminRules c = new AdminRules();
        c.reserves.putAll(reserves);
        c.drained.addAll(drained);
        c.pins.addAll(pins);
        c.minReplicas.putAll(minReplicas);
        return c;
    }
}
