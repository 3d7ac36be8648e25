package io.rigpool.planner.placement;

/**
 * The optimiser's objective, lexicographic over {@link ObjectiveTerm}: coverage, then the admin's CPU-only floor,
 * then served throughput less load costs (by the margin the caller gives: noise for new runners, the configured
 * minimum gain for changes to running ones), and only among plans that serve as much, the owner's and the users'
 * terms: memory held by runners that serve nothing, tok/s served from CPU layers, the busiest node's share of its
 * time, per-request speed. Each of those counts only beyond its band, so that a plan never changes for a difference
 * nobody would notice; a change to what runs now must clear the wider churn bands.
 *
 * <p>Bands rather than weights: no rate of exchange between a gigabyte of an owner's RAM and a token per second has
 * to be invented, and each reason can name the one term that decided.
 */
final class Objective {

    /**
     * How much better a plan must be on each quality term to count.
     *
     * @param idleBytes memory held by runners that serve nothing
     * @param offGpuShare tok/s served from CPU layers, as a share of the tok/s served
     * @param headroom the busiest node's share of its time, in absolute points (0.01 = one percentage point)
     * @param requestShare per-request speed, as a share of the better plan's
     */
    record Bands(long idleBytes, double offGpuShare, double headroom, double requestShare) {
    }

    /** Differences below these are ties between drafts of new runners. */
    static final Bands TIE = new Bands(64L << 20, 0.001, 0.01, 0.01);

    /** Any difference beyond round-off counts: the exhaustive optimiser's exact lexicographic optimum. */
    static final Bands STRICT = new Bands(0, 1e-9, 1e-9, 1e-9);

    /** A change to a running runner must be better by these (the quality terms' hysteresis). */
    static final Bands CHURN = new Bands(1L << 30, 0.10, 0.10, 0.10);

    private Objective() {
    }

    /**
     * The term on which {@code a} beats {@code b}, or null when it does not.
     *
     * @param valueMargin tokens per second {@code a} must serve beyond {@code b} for served throughput alone to
     *     decide
     */
    static ObjectiveTerm decides(PlanEvaluator.Score a, PlanEvaluator.Score b, double valueMargin, Bands bands) {
        if (a.coverage() != b.coverage()) {
            return a.coverage() > b.coverage() ? ObjectiveTerm.COVERAGE : null;
        }
        if (a.floorBreaches() != b.floorBreaches()) {
            return a.floorBreaches() < b.floorBreaches() ? ObjectiveTerm.CPU_ONLY_FLOOR : null;
        }
        if (a.value() > b.value() + valueMargin) {
            return ObjectiveTerm.SERVED;
        }
        if (a.value() < b.value() - PlanEvaluator.noise(b)) {
            return null;
        }
        PlanQuality qa = a.quality();
        PlanQuality qb = b.quality();
        int idle = lessIsBetter(qa.idleBytes(), qb.idleBytes(), bands.idleBytes());
        if (idle != 0) {
            return idle > 0 ? ObjectiveTerm.IDLE_MEMORY : null;
        }
        double served = Math.max(1, Math.max(a.served(), b.served()));
        int offGpu = lessIsBetter(qa.offGpuTps(), qb.offGpuTps(), bands.offGpuShare() * served);
        if (offGpu != 0) {
            return offGpu > 0 ? ObjectiveTerm.OFF_GPU : null;
        }
        int headroom = lessIsBetter(qa.busiestNodeShare(), qb.busiestNodeShare(), bands.headroom());
        if (headroom != 0) {
            return headroom > 0 ? ObjectiveTerm.HEADROOM : null;
        }
        double faster = Math.max(qa.requestTps(), qb.requestTps());
        int speed = lessIsBetter(-qa.requestTps(), -qb.requestTps(), bands.requestShare() * faster);
        return speed > 0 ? ObjectiveTerm.REQUEST_SPEED : null;
    }

    /**
     * Whether {@code a} serves more than {@code b}: better on coverage, the CPU-only floor or served throughput (by
     * more than {@code valueMargin}), the terms a plan is for; the later ones only say what it costs.
     */
    static boolean servesMore(PlanEvaluator.Score a, PlanEvaluator.Score b, double valueMargin) {
        ObjectiveTerm term = decides(a, b, valueMargin, TIE);
        return term == ObjectiveTerm.COVERAGE || term == ObjectiveTerm.CPU_ONLY_FLOOR || term == ObjectiveTerm.SERVED;
    }

    /** Whether {@code a} is worse than {@code b} by more than its band on no quality term at all (not only the first). */
    static boolean worseOnNoTerm(PlanEvaluator.Score a, PlanEvaluator.Score b, Bands bands) {
        PlanQuality qa = a.quality();
        PlanQuality qb = b.quality();
        double served = Math.max(1, Math.max(a.served(), b.served()));
        double faster = Math.max(qa.requestTps(), qb.requestTps());
        return lessIsBetter(qa.idleBytes(), qb.idleBytes(), bands.idleBytes()) >= 0
                && lessIsBetter(qa.offGpuTps(), qb.offGpuTps(), bands.offGpuShare() * served) >= 0
                && lessIsBetter(qa.busiestNodeShare(), qb.busiestNodeShare(), bands.headroom()) >= 0
                && lessIsBetter(-qa.requestTps(), -qb.requestTps(), bands.requestShare() * faster) >= 0;
    }

    /** 1 when a is lower than b by more than the band, -1 when higher by more, else 0. */
    private static int lessIsBetter(double a, double b, double band) {
        if (a < b - band) {
            return 1;
        }
        return a > b + band ? -1 : 0;
    }
}
