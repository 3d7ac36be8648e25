package io.rigpool.planner.placement;

import java.time.Duration;

/**
 * The optimiser's knobs.
 *
 * @param reloadHorizon the time a plan is expected to stand: a runner that takes {@code s} seconds to load serves
 *     nothing for {@code s / horizon} of it, which is what a (re)load costs in the objective
 * @param loadBytesPerSecond how fast a node reads a model file while loading it
 * @param loadFixed the part of a load that does not depend on the file (runner start, CUDA context)
 * @param minDwell a runner stays at least this long unless it no longer fits (no change for a small gain)
 * @param minGainTps a change must gain at least this many tokens per second, after its reload cost
 * @param minGainFraction ... and at least this share of the plan's value, so a flickering input cannot flip
 *     between two nearly equal plans
 * @param exactEvaluationLimit up to this many runners the served throughput of a plan is solved exactly (a linear
 *     program); above it a greedy allotment is used
 * @param searchRounds passes of the improvement search over all nodes
 * @param searchBudget exact evaluations the improvement search may spend on one plan (about 25 µs each for a
 *     dozen nodes): bounds the planning time, deterministically
 * @param cpuOnlyFloorBytes the admin's floor: no CPU-only runner of a model whose file is larger than this, unless
 *     it is a replica the model needs and no node can give it a GPU layer ({@link Long#MAX_VALUE}: no floor)
 */
public record PlacementSettings(Duration reloadHorizon, double loadBytesPerSecond, Duration loadFixed,
        Duration minDwell, double minGainTps, double minGainFraction, int exactEvaluationLimit, int searchRounds,
        int searchBudget, long cpuOnlyFloorBytes) {

    /** Without a CPU-only floor. */
    public PlacementSettings(Duration reloadHorizon, double loadBytesPerSecond, Duration loadFixed,
            Duration minDwell, double minGainTps, double minGainFraction, int exactEvaluationLimit, int searchRounds,
            int searchBudget) {
        this(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps, minGainFraction,
                exactEvaluationLimit, searchRounds, searchBudget, Long.MAX_VALUE);
    }

    public PlacementSettings {
        if (reloadHorizon.isZero() || reloadHorizon.isNegative()) {
            throw new IllegalArgumentException("reloadHorizon: must be positive");
        }
        if (loadBytesPerSecond <= 0) {
            throw new IllegalArgumentException("loadBytesPerSecond: must be positive");
        }
        if (cpuOnlyFloorBytes < 0) {
            throw new IllegalArgumentException("cpuOnlyFloorBytes: must be >= 0");
        }
        if (minGainTps < 0 || minGainFraction < 0) {
            throw new IllegalArgumentException("minGainTps and minGainFraction: must be >= 0");
        }
    }

    /**
     * 10 min horizon, 1 GB/s loads plus 5 s, 2 min dwell, gains of 1 tok/s and 2 %, exact mode up to 200
     * node/model pairs, 3 rounds, 40,000 evaluations.
     */
    public static PlacementSettings defaults() {
        return new PlacementSettings(Duration.ofMinutes(10), 1e9, Duration.ofSeconds(5), Duration.ofMinutes(2), 1.0,
                0.02, 200, 3, 40_000);
    }

    public PlacementSettings withMinGain(double tps, double fraction) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, tps, fraction,
                exactEvaluationLimit, searchRounds, searchBudget, cpuOnlyFloorBytes);
    }

    public PlacementSettings withExactEvaluationLimit(int limit) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps,
                minGainFraction, limit, searchRounds, searchBudget, cpuOnlyFloorBytes);
    }

    public PlacementSettings withSearchRounds(int rounds) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps,
                minGainFraction, exactEvaluationLimit, rounds, searchBudget, cpuOnlyFloorBytes);
    }

    public PlacementSettings withSearchBudget(int evaluations) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps,
                minGainFraction, exactEvaluationLimit, searchRounds, evaluations, cpuOnlyFloorBytes);
    }

    public PlacementSettings withMinDwell(Duration dwell) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, dwell, minGainTps,
                minGainFraction, exactEvaluationLimit, searchRounds, searchBudget, cpuOnlyFloorBytes);
    }

    public PlacementSettings withReloadHorizon(Duration horizon) {
        return new PlacementSettings(horizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps, minGainFraction,
                exactEvaluationLimit, searchRounds, searchBudget, cpuOnlyFloorBytes);
    }

    /** With the admin's CPU-only floor: bytes of model file above which no CPU-only runner is planned. */
    public PlacementSettings withCpuOnlyFloor(long bytes) {
        return new PlacementSettings(reloadHorizon, loadBytesPerSecond, loadFixed, minDwell, minGainTps,
                minGainFraction, exactEvaluationLimit, searchRounds, searchBudget, bytes);
    }

    /** Seconds a load of a file of this size takes. */
    public double loadSeconds(long fileBytes) {
        return loadFixed.toMillis() / 1000.0 + fileBytes / loadBytesPerSecond;
    }

    /** Share of the horizon a new runner of this size actually serves. */
    public double servingShareAfterLoad(long fileBytes) {
        return Math.max(0, 1 - loadSeconds(fileBytes) / (reloadHorizon.toMillis() / 1000.0));
    }
}
