package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LocalModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The walking skeleton's placement: every model some live node holds runs on one node, the holder with the most free
 * VRAM left, with all layers on the GPU when the file fits, else the share of layers that fits, else none. Models are
 * placed smallest first. Models already placed on a live node stay where they are, so a node joining never moves
 * anything.
 */
public final class FirstFitOffloadRule {

    /** A live node as the rule sees it. */
    public record Capacity(String nodeId, long freeVramBytes, boolean hasGpu, List<LocalModel> models) {
    }

    private static final long MIB = 1024 * 1024;

    private final int contextSize;
    private final int parallelSlots;

    public FirstFitOffloadRule(int contextSize, int parallelSlots) {
        this.contextSize = contextSize;
        this.parallelSlots = parallelSlots;
    }

    /**
     * @param current the assignments in force, per node id
     * @return the new assignments per node id (every given node has an entry)
     */
    public Map<String, List<Assignment>> place(List<Capacity> nodes, Map<String, List<Assignment>> current) {
        Map<String, List<Assignment>> plan = new LinkedHashMap<>();
        Map<String, Long> freeLeft = new HashMap<>();
        TreeSet<String> placed = new TreeSet<>();
        for (Capacity node : nodes) {
            List<Assignment> kept = new ArrayList<>();
            long free = node.freeVramBytes();
            for (Assignment a : current.getOrDefault(node.nodeId(), List.of())) {
                if (holds(node, a.getModelId()) && placed.add(a.getModelId())) {
                    kept.add(a);
                }
            }
            plan.put(node.nodeId(), kept);
            freeLeft.put(node.nodeId(), free);
        }
        // Smallest first: more models end up wholly on a GPU than when a big one takes the VRAM first.
        Map<String, Long> sizes = new HashMap<>();
        nodes.forEach(n -> n.models().forEach(m -> sizes.merge(m.getModelId(), m.getSizeBytes(), Math::min)));
        List<String> wanted = sizes.keySet().stream()
                .sorted(Comparator.comparingLong((String id) -> sizes.get(id)).thenComparing(id -> id)).toList();
        for (String modelId : wanted) {
            if (placed.contains(modelId)) {
                continue;
            }
            Capacity best = nodes.stream().filter(n -> holds(n, modelId))
                    .max(Comparator.comparingLong((Capacity n) -> freeLeft.get(n.nodeId()))
                            .thenComparing(Capacity::nodeId, Comparator.reverseOrder()))
                    .orElseThrow();
            LocalModel model = best.models().stream().filter(m -> m.getModelId().equals(modelId)).findFirst()
                    .orElseThrow();
            long free = freeLeft.get(best.nodeId());
            Assignment assignment = assign(best, model, free);
            long used = assignment.getNGpuLayers() == 0 ? 0
                    : Math.min(free, model.getSizeBytes() * assignment.getNGpuLayers() / (model.getBlockCount() + 1));
            freeLeft.put(best.nodeId(), free - used);
            plan.get(best.nodeId()).add(assignment);
            placed.add(modelId);
        }
        return plan;
    }

    private Assignment assign(Capacity node, LocalModel model, long free) {
        int allLayers = model.getBlockCount() + 1;
        int context = model.getContextLength() > 0 ? (int) Math.min(contextSize, model.getContextLength()) : contextSize;
        int layers;
        String reason;
        if (!node.hasGpu() || free <= 0) {
            layers = 0;
            reason = String.format(Locale.ROOT, "needs %d MiB; node has no free GPU memory: runs on the CPU",
                    model.getSizeBytes() / MIB);
        } else if (model.getSizeBytes() <= free) {
            layers = allLayers;
            reason = String.format(Locale.ROOT, "needs %d MiB, node has %d MiB of VRAM free: all %d layers on the GPU",
                    model.getSizeBytes() / MIB, free / MIB, allLayers);
        } else {
            layers = (int) (allLayers * (double) free / model.getSizeBytes());
            reason = String.format(Locale.ROOT,
                    "needs %d MiB, node has %d MiB of VRAM free: %d of %d layers fit on the GPU",
                    model.getSizeBytes() / MIB, free / MIB, layers, allLayers);
        }
        return Assignment.newBuilder().setModelId(model.getModelId()).setNGpuLayers(layers).setNCtx(context)
                .setParallelSlots(parallelSlots).setReason(reason).build();
    }

    private static boolean holds(Capacity node, String modelId) {
        return node.models().stream().anyMatch(m -> m.getModelId().equals(modelId));
    }
}
