package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Objective} on its own: the order of its terms and the width of each band, on scores of given figures. */
class ObjectiveTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** Serves 100 tok/s, nothing idle, nothing from CPU layers, busiest node at 50 %, 40 tok/s per request. */
    private static final PlanQuality BASE = new PlanQuality(0, 0, 0, 0, 0.5, 40, 0);

    private static PlanEvaluator.Score score(PlanQuality q) {
        return new PlanEvaluator.Score(1, 0, 100, 100, q);
    }

    private static PlanQuality idle(long bytes) {
        return new PlanQuality(0, bytes / 2, bytes - bytes / 2, 0, 0.5, 40, 0);
    }

    private static PlanQuality offGpu(double tps) {
        return new PlanQuality(0, 0, 0, tps, 0.5, 40, 0);
    }

    private static PlanQuality busiest(double share) {
        return new PlanQuality(0, 0, 0, 0, share, 40, 0);
    }

    private static PlanQuality requestTps(double tps) {
        return new PlanQuality(0, 0, 0, 0, 0.5, tps, 0);
    }

    @Test
    void coverageDecidesBeforeTheFloorAndServedThroughput() {
        PlanEvaluator.Score covered = new PlanEvaluator.Score(2, 1, 10, 10, BASE);
        PlanEvaluator.Score servesMore = new PlanEvaluator.Score(1, 0, 500, 500, BASE);
        assertEquals(ObjectiveTerm.COVERAGE, Objective.decides(covered, servesMore, 0, Objective.TIE));
        assertNull(Objective.decides(servesMore, covered, 0, Objective.TIE));
    }

    @Test
    void theFloorDecidesBeforeServedThroughput() {
        PlanEvaluator.Score withinFloor = new PlanEvaluator.Score(1, 0, 10, 10, BASE);
        PlanEvaluator.Score servesMore = new PlanEvaluator.Score(1, 1, 500, 500, BASE);
        assertEquals(ObjectiveTerm.CPU_ONLY_FLOOR, Objective.decides(withinFloor, servesMore, 0, Objective.TIE));
        assertNull(Objective.decides(servesMore, withinFloor, 0, Objective.TIE));
    }

    @Test
    void aPlanThatServesNoMoreIsComparedOnEveryQualityTermNotOnlyTheFirst() {
        // Better on headroom (decides), worse on per-request speed beyond its band: a trade.
        PlanEvaluator.Score trade = score(new PlanQuality(0, 0, 0, 0, 0.3, 30, 0));
        PlanEvaluator.Score inForce = score(BASE);
        assertEquals(ObjectiveTerm.HEADROOM, Objective.decides(trade, inForce, 0, Objective.TIE));
        assertTrue(!Objective.servesMore(trade, inForce, 0));
        assertTrue(!Objective.worseOnNoTerm(trade, inForce, Objective.TIE), "per-request speed 40 → 30 tok/s");
        assertTrue(Objective.worseOnNoTerm(score(new PlanQuality(0, 0, 0, 0, 0.3, 39.8, 0)), inForce, Objective.TIE),
                "within the 1 % band of per-request speed");
        assertTrue(Objective.servesMore(new PlanEvaluator.Score(1, 0, 105, 105, BASE), inForce, 1));
        assertTrue(Objective.servesMore(new PlanEvaluator.Score(2, 0, 10, 10, BASE), inForce, 1), "coverage");
    }

    @Test
    void servedThroughputMustClearTheMarginGiven() {
        PlanEvaluator.Score more = new PlanEvaluator.Score(1, 0, 105, 105, BASE);
        PlanEvaluator.Score less = score(BASE);
        assertEquals(ObjectiveTerm.SERVED, Objective.decides(more, less, 4, Objective.TIE));
        assertNull(Objective.decides(more, less, 6, Objective.TIE), "5 tok/s more does not clear a margin of 6");
    }

    @Test
    void aPlanThatServesLessNeverWinsOnTheTermsAfterIt() {
        PlanEvaluator.Score lean = new PlanEvaluator.Score(1, 0, 99, 99, BASE);
        PlanEvaluator.Score idleButServing = score(idle(8 * GIB));
        assertNull(Objective.decides(lean, idleButServing, 0, Objective.TIE));
        assertEquals(ObjectiveTerm.SERVED, Objective.decides(idleButServing, lean, 0, Objective.TIE));
    }

    @Test
    void idleMemoryCountsBeyondItsBandOnly() {
        assertNull(Objective.decides(score(BASE), score(idle(60 * MIB)), 0, Objective.TIE), "60 MiB is within 64");
        assertEquals(ObjectiveTerm.IDLE_MEMORY, Objective.decides(score(BASE), score(idle(70 * MIB)), 0,
                Objective.TIE));
        assertNull(Objective.decides(score(BASE), score(idle(GIB - MIB)), 0, Objective.CHURN),
                "a change to what runs must save more than 1 GiB");
        assertEquals(ObjectiveTerm.IDLE_MEMORY, Objective.decides(score(BASE), score(idle(GIB + MIB)), 0,
                Objective.CHURN));
    }

    @Test
    void cpuLayerTokensCountAsAShareOfWhatIsServed() {
        // Band: 0.1 % of the 100 tok/s served.
        assertNull(Objective.decides(score(BASE), score(offGpu(0.09)), 0, Objective.TIE));
        assertEquals(ObjectiveTerm.OFF_GPU, Objective.decides(score(BASE), score(offGpu(0.11)), 0, Objective.TIE));
    }

    @Test
    void headroomCountsBeyondOnePointAndChurnBeyondTen() {
        assertNull(Objective.decides(score(busiest(0.495)), score(BASE), 0, Objective.TIE));
        assertEquals(ObjectiveTerm.HEADROOM, Objective.decides(score(busiest(0.48)), score(BASE), 0,
                Objective.TIE));
        assertNull(Objective.decides(score(busiest(0.45)), score(BASE), 0, Objective.CHURN));
        assertEquals(ObjectiveTerm.HEADROOM, Objective.decides(score(busiest(0.35)), score(BASE), 0,
                Objective.CHURN));
    }

    @Test
    void requestSpeedCountsBeyondOnePercentOfTheFaster() {
        assertNull(Objective.decides(score(requestTps(40.3)), score(BASE), 0, Objective.TIE));
        assertEquals(ObjectiveTerm.REQUEST_SPEED, Objective.decides(score(requestTps(40.5)), score(BASE), 0,
                Objective.TIE));
    }

    @Test
    void anEarlierTermDecidesWhateverTheLaterOnesSay() {
        // Less idle memory wins although its busiest node is far busier and its requests slower.
        PlanEvaluator.Score lean = score(new PlanQuality(0, 0, 0, 0, 0.95, 10, 0));
        PlanEvaluator.Score roomy = score(new PlanQuality(0, GIB, 0, 0, 0.10, 80, 0));
        assertEquals(ObjectiveTerm.IDLE_MEMORY, Objective.decides(lean, roomy, 0, Objective.TIE));
        assertNull(Objective.decides(roomy, lean, 0, Objective.TIE));
    }

    @Test
    void strictBandsCountAnyDifference() {
        assertEquals(ObjectiveTerm.IDLE_MEMORY, Objective.decides(score(BASE), score(idle(1)), 0,
                Objective.STRICT));
        assertEquals(ObjectiveTerm.HEADROOM, Objective.decides(score(busiest(0.4999)), score(BASE), 0,
                Objective.STRICT));
    }

    @Test
    void neverBothWaysAndNeverAgainstItself() {
        Random rnd = new Random(14);
        for (int i = 0; i < 10_000; i++) {
            PlanEvaluator.Score a = random(rnd);
            PlanEvaluator.Score b = random(rnd);
            for (Objective.Bands bands : new Objective.Bands[] {Objective.TIE, Objective.CHURN, Objective.STRICT}) {
                ObjectiveTerm ab = Objective.decides(a, b, 0, bands);
                ObjectiveTerm ba = Objective.decides(b, a, 0, bands);
                assertTrue(ab == null || ba == null, "both ways on " + ab + "/" + ba + ": " + a.quality() + " vs "
                        + b.quality());
                assertNull(Objective.decides(a, a, 0, bands));
            }
        }
    }

    /** Figures drawn from few values, so that ties and near-ties on each term are common. */
    private static PlanEvaluator.Score random(Random rnd) {
        double served = 100 + rnd.nextInt(2) * 0.5;
        PlanQuality q = new PlanQuality(0, rnd.nextInt(3) * 40 * MIB, rnd.nextInt(2) * 20 * MIB,
                rnd.nextInt(3) * 0.06, 0.5 + rnd.nextInt(3) * 0.006, 40 + rnd.nextInt(3) * 0.25, 0);
        return new PlanEvaluator.Score(1 + rnd.nextInt(2), rnd.nextInt(2), served, served, q);
    }
}
