package io.rigpool.bench.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FloorDrawsTest {

    @Test
    void partsThatNeverVaryAddUpExactly() {
        HopFloor.Figures steady = new HopFloor.Figures(new double[] {2, 2}, new double[] {0.5}, new double[] {1});

        assertEquals(5.5, FloorDraws.chainQuantile(steady, 0.99), 1e-9);
        assertEquals(5.5, FloorDraws.pairedQuantile(steady, new double[] {4, 4, 4}, 0.99), 1e-9);
    }

    @Test
    void aRareSlowPartRaisesTheTailOfTheSumLessThanTheSumOfTheTails() {
        // One hop in twenty takes 10 ms: each part's p99 is 10, but two slow hops in one chain are rare.
        double[] hops = new double[100];
        Arrays.fill(hops, 1);
        Arrays.fill(hops, 0, 5, 10);
        HopFloor.Figures floor = new HopFloor.Figures(hops, new double[] {0}, new double[] {0});

        double p99 = FloorDraws.chainQuantile(floor, 0.99);

        assertEquals(11, p99, 1e-9, "one slow hop and one fast");
        assertTrue(p99 < 20);
    }

    @Test
    void theDirectRunsSpreadWidensThePairedTail() {
        HopFloor.Figures steady = new HopFloor.Figures(new double[] {1}, new double[] {0}, new double[] {0});
        double[] direct = new double[100];
        Arrays.fill(direct, 3);
        direct[0] = 9;
        direct[1] = 9;

        assertEquals(2, FloorDraws.chainQuantile(steady, 0.99), 1e-9);
        assertEquals(8, FloorDraws.pairedQuantile(steady, direct, 0.99), 1e-9,
                "a slow pipeline-side run against a usual direct one");
    }
}
