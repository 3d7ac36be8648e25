package io.rigpool.planner.placement;

import java.util.Locale;
import java.util.Set;

/** Wording shared by the explanations, so every reason reads alike. */
final class Reasons {

    private static final double MIB = 1024.0 * 1024.0;

    private Reasons() {
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
    }

    static String tps(double tokensPerSecond) {
        return String.format(Locale.ROOT, "%.1f tok/s", tokensPerSecond);
    }

    /** Why a node may not run a model at all. */
    static String ineligible(NodeSpec node, String modelId, Set<String> excluded) {
        if (!node.schedulable()) {
            return node.unavailable();
        }
        if (!node.holds(modelId)) {
            return "does not hold the file";
        }
        if (excluded.contains(PlacementProblem.pairKey(node.nodeId(), modelId))) {
            return "a load failed there recently";
        }
        return "eligible";
    }

    /** "node pc-1 runs on the CPU only: libjllama.so in natives/cuda-13 has no CUDA backend". */
    static String cpuOnly(NodeSpec node) {
        String why = node.cpuOnlyReason().isBlank() ? "no proven GPU backend" : node.cpuOnlyReason();
        return "node " + node.nodeId() + " runs on the CPU only: " + why;
    }

    static String basis(Footprint.Basis basis) {
        return switch (basis) {
            case MEASURED -> "measured by the runner";
            case ESTIMATED -> "estimated";
            case APPROXIMATE -> "approximate: the worker sent no model geometry";
        };
    }
}
