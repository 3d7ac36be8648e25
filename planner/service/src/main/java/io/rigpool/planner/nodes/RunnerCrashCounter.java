package io.rigpool.planner.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts runner crashes per node and model. A worker restarts a crashed runner by itself within a second or two and
 * its jobs are delivered again, so one crash is no reason to move a model away (with a single capable node, moving
 * it would leave its queue unserved); a runner that keeps crashing on a node is, and the planner then spares that
 * node the model like a failed load.
 */
final class RunnerCrashCounter {

    private final int limit;
    private final Duration window;
    private final Map<String, Deque<Instant>> byPair = new HashMap<>();

    /**
     * @param limit  crashes within the window that make the pair unusable for a while
     * @param window how far back crashes count
     */
    RunnerCrashCounter(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("crash limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.window = window;
    }

    /** Records a crash; true when the pair has now crashed {@code limit} times within the window (then forgotten). */
    boolean crashed(String pair, Instant at) {
        Deque<Instant> recent = byPair.computeIfAbsent(pair, p -> new ArrayDeque<>());
        recent.addLast(at);
        while (!recent.isEmpty() && recent.peekFirst().isBefore(at.minus(window))) {
            recent.removeFirst();
        }
        if (recent.size() >= limit) {
            byPair.remove(pair);
            return true;
        }
        return false;
    }
}
