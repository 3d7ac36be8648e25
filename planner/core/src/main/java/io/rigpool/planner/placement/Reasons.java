package io.rigpool.planner.placement;

import java.util.List;
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
    static String ineligible(NodeSpec node, ModelSpec model, Set<String> excluded) {
        if (!node.schedulable()) {
            return node.unavailable();
        }
        if (!node.holds(model.modelId())) {
            return NO_FILE;
        }
        if (model.optionsOn(node).isEmpty()) {
            return noEngine(node, model.architecture());
        }
        if (excluded.contains(PlacementProblem.pairKey(node.nodeId(), model.modelId()))) {
            return "a load failed there recently";
        }
        return "eligible";
    }

    static final String NO_FILE = "does not hold the file";

    /**
     * "needs qwen3moe: node pc-1's engines are b4916 only", or which engines it has and why any of them cannot
     * be used.
     */
    static String noEngine(NodeSpec node, String architecture) {
        String needs = "needs " + (architecture.isEmpty() ? "its architecture" : architecture) + ": node "
                + node.nodeId() + "'s engines ";
        List<String> usableBuilds = node.engines().stream().filter(NodeEngine::usable).map(NodeEngine::build)
                .distinct().toList();
        StringBuilder why = new StringBuilder(needs);
        if (usableBuilds.isEmpty()) {
            why.append("are all unusable");
        } else if (usableBuilds.size() == 1 && node.engines().stream().filter(NodeEngine::usable).count() == 1) {
            why.append("are ").append(usableBuilds.get(0)).append(" only");
        } else {
            why.append("(").append(String.join(", ", node.engines().stream().filter(NodeEngine::usable)
                    .map(NodeEngine::label).toList())).append(") do not load it");
        }
        for (NodeEngine e : node.engines()) {
            if (!e.usable()) {
                why.append("; ").append(e.label()).append(" is unusable there: ").append(e.unusableReason());
            }
        }
        return why.toString();
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
