package io.rigpool.planner.nodes;

import io.rigpool.planner.demand.DemandTracker;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Whether demand moved enough to re-plan now rather than in the periodic round. */
final class DemandShift {

    private DemandShift() {
    }

    /**
     * A model's demand appeared or vanished, or changed by more than {@code share} of the larger value and more
     * than {@code minTps}.
     */
    static boolean significant(Map<String, DemandTracker.Demand> before, Map<String, DemandTracker.Demand> after,
            double share, double minTps) {
        Set<String> models = new HashSet<>(before.keySet());
        models.addAll(after.keySet());
        for (String model : models) {
            double a = before.containsKey(model) ? before.get(model).tokensPerSecond() : 0;
            double b = after.containsKey(model) ? after.get(model).tokensPerSecond() : 0;
            if ((a > 0) != (b > 0)) {
                return true;
            }
            double change = Math.abs(a - b);
            if (change > minTps && change > share * Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }
}
