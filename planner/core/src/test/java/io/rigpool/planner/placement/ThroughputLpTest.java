package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ThroughputLpTest {

    @Test
    void nodeTimeGoesWhereItServesMostAcrossTheFleet() {
        // Node X serves A at 100 or B at 50 tok/s; node Y serves A at 90 or B at 10. A wants 100, B wants 50.
        // Greedy by speed puts X on A (100) and is left with Y on B (10): 110. Best: Y on A (90), X gives a tenth
        // of its time to A's last 10 and the rest to B (45): 145.
        int[] node = {0, 0, 1, 1};
        int[] model = {0, 1, 0, 1};
        double[] capacity = {100, 50, 90, 10};
        double[] weight = {1, 1, 1, 1};
        double[] demand = {100, 50};
        Allotment exact = Allotment.of(node, model, capacity, weight, demand, 2, true);
        assertEquals(145, exact.total(), 1e-6);
        assertEquals(110, Allotment.of(node, model, capacity, weight, demand, 2, false).total(), 1e-6);
    }

    @Test
    void noModelIsServedBeyondItsDemandAndNoNodeBeyondItsTime() {
        int[] node = {0, 0};
        int[] model = {0, 1};
        Allotment a = Allotment.of(node, model, new double[] {40, 40}, new double[] {1, 1}, new double[] {30, 30}, 1,
                true);
        assertEquals(40, a.total(), 1e-6, "one node, one second per second, 40 tok/s whichever model");
        Allotment idle = Allotment.of(new int[] {0}, new int[] {0}, new double[] {40}, new double[] {1},
                new double[] {0}, 1, true);
        assertEquals(0, idle.total());
    }

    @Test
    void aRunnerThatMustLoadFirstYieldsToOneAlreadyRunning() {
        // Two nodes can each serve the whole demand; the loaded one (weight 1) gets it.
        Allotment a = Allotment.of(new int[] {0, 1}, new int[] {0, 0}, new double[] {100, 100},
                new double[] {0.9, 1}, new double[] {80}, 2, true);
        assertEquals(0, a.served(0), 1e-6);
        assertEquals(80, a.served(1), 1e-6);
        assertEquals(80, a.value(), 1e-6);
    }

    @Test
    void randomProgramsAreFeasibleAndNeverWorseThanTheGreedyAllotment() {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            int nodes = 1 + rnd.nextInt(6);
            int models = 1 + rnd.nextInt(5);
            int runners = 1 + rnd.nextInt(12);
            int[] node = new int[runners];
            int[] model = new int[runners];
            double[] capacity = new double[runners];
            double[] weight = new double[runners];
            for (int i = 0; i < runners; i++) {
                node[i] = rnd.nextInt(nodes);
                model[i] = rnd.nextInt(models);
                capacity[i] = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextDouble() * 300;
                weight[i] = 0.5 + rnd.nextDouble() / 2;
            }
            double[] demand = new double[models];
            for (int m = 0; m < models; m++) {
                demand[m] = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 400;
            }
            Allotment exact = Allotment.of(node, model, capacity, weight, demand, nodes, true);
            Allotment greedy = Allotment.of(node, model, capacity, weight, demand, nodes, false);
            String seedNote = "seed " + seed;
            assertTrue(exact.value() >= greedy.value() - 1e-6, seedNote + ": " + exact.value() + " < "
                    + greedy.value());
            double[] time = new double[nodes];
            double[] served = new double[models];
            for (int i = 0; i < runners; i++) {
                assertTrue(exact.served(i) >= 0, seedNote);
                time[node[i]] += capacity[i] == 0 ? 0 : exact.served(i) / capacity[i];
                served[model[i]] += exact.served(i);
            }
            for (int n = 0; n < nodes; n++) {
                assertTrue(time[n] <= 1 + 1e-6, seedNote + ": node " + n + " over its time: " + time[n]);
            }
            for (int m = 0; m < models; m++) {
                assertTrue(served[m] <= demand[m] + 1e-6, seedNote + ": model " + m + " over its demand");
            }
        }
    }
}
