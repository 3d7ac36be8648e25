package io.rigpool.planner.demand;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns offsets of the job topics into demand: the arrival rate (jobs per second, a moving average of how fast
 * the end offsets grow) and the backlog (jobs not yet acknowledged by the model's workers), expressed as decode
 * tokens per second: {@code (arrivals + backlog / drainTime) × tokensPerJob}. Not thread-safe.
 */
public final class DemandTracker {

    /**
     * Offsets of one model's job topic at one moment, summed over its partitions.
     *
     * @param produced the end offsets: jobs ever published
     * @param consumed the workers' committed offsets (the start offsets where they committed none)
     */
    public record Reading(String modelId, long produced, long consumed, Instant at) {
    }

    /** What one model is asked for. */
    public record Demand(String modelId, double arrivalsPerSecond, long backlog, double tokensPerSecond) {
    }

    private record State(long produced, Instant at, double rate) {
    }

    private final int tokensPerJob;
    private final Duration backlogDrain;
    private final double smoothing;
    private final Map<String, State> states = new HashMap<>();
    private Map<String, Demand> current = Map.of();

    public DemandTracker(int tokensPerJob, Duration backlogDrain, double smoothing) {
        if (tokensPerJob <= 0 || backlogDrain.isZero() || backlogDrain.isNegative() || smoothing <= 0
                || smoothing > 1) {
            throw new IllegalArgumentException("tokensPerJob > 0, backlogDrain > 0 and 0 < smoothing <= 1");
        }
        this.tokensPerJob = tokensPerJob;
        this.backlogDrain = backlogDrain;
        this.smoothing = smoothing;
    }

    /** Takes one round of readings (every job topic there is); models whose topic is gone have no demand. */
    public Map<String, Demand> update(List<Reading> readings) {
        Map<String, Demand> next = new TreeMap<>();
        Map<String, State> seen = new HashMap<>();
        for (Reading r : readings) {
            State before = states.get(r.modelId());
            double rate = 0;
            if (before != null && r.at().isAfter(before.at())) {
                double seconds = Duration.between(before.at(), r.at()).toMillis() / 1000.0;
                double instant = Math.max(0, r.produced() - before.produced()) / seconds;
                rate = smoothing * instant + (1 - smoothing) * before.rate();
            } else if (before != null) {
                rate = before.rate();
            }
            seen.put(r.modelId(), new State(r.produced(), r.at(), rate));
            long backlog = Math.max(0, r.produced() - r.consumed());
            double tokens = (rate + backlog / (backlogDrain.toMillis() / 1000.0)) * tokensPerJob;
            next.put(r.modelId(), new Demand(r.modelId(), rate, backlog, tokens));
        }
        states.clear();
        states.putAll(seen);
        current = Map.copyOf(next);
        return current;
    }

    public Map<String, Demand> current() {
        return current;
    }
}
