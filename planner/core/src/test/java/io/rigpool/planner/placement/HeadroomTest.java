package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The min-max program alone, against hand-solved cases and a bisection over the throughput program. */
class HeadroomTest {

    @Test
    void twoEqualReplicasSplitTheirModelsService() {
        Headroom.Spread s = Headroom.spread(new int[] {0, 1}, new int[] {0, 0}, new double[] {100, 100},
                new double[] {100}, 2);
        assertEquals(0.5, s.busiest(), 1e-9);
        assertEquals(0.5, s.nodeTime()[0], 1e-9);
        assertEquals(0.5, s.nodeTime()[1], 1e-9);
    }

    @Test
    void aSharedNodeLeavesTheSecondModelToTheNodeOfItsOwn() {
        // node 0: A at 100, B at 50; node 1: B at 100. A needs 50, B 50: B goes wholly to node 1.
        Headroom.Spread s = Headroom.spread(new int[] {0, 0, 1}, new int[] {0, 1, 1}, new double[] {100, 50, 100},
                new double[] {50, 50}, 2);
        assertEquals(0.5, s.busiest(), 1e-9);
        assertEquals(0.5, s.nodeTime()[0], 1e-9);
        assertEquals(0.5, s.nodeTime()[1], 1e-9);
    }

    @Test
    void nothingServedLeavesEveryNodeIdle() {
        Headroom.Spread s = Headroom.spread(new int[] {0}, new int[] {0}, new double[] {100}, new double[] {0}, 1);
        assertEquals(0, s.busiest(), 0);
    }

    @Test
    void matchesABisectionOverTheThroughputProgramOnRandomPlans() {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            int nodes = 1 + rnd.nextInt(4);
            int models = 1 + rnd.nextInt(3);
            int runners = 1 + rnd.nextInt(7);
            int[] node = new int[runners];
            int[] model = new int[runners];
            double[] capacity = new double[runners];
            double[] one = new double[runners];
            for (int i = 0; i < runners; i++) {
                node[i] = rnd.nextInt(nodes);
                model[i] = rnd.nextInt(models);
                capacity[i] = 5 + rnd.nextInt(300);
                one[i] = 1;
            }
            double[] demand = new double[models];
            for (int m = 0; m < models; m++) {
                demand[m] = rnd.nextInt(400);
            }
            Allotment full = Allotment.of(node, model, capacity, one, demand, nodes, true);
            double[] served = new double[models];
            for (int i = 0; i < runners; i++) {
                served[model[i]] += full.served(i);
            }
            double busiest = Headroom.spread(node, model, capacity, served, nodes).busiest();
            String context = "seed " + seed + ": busiest " + busiest;
            assertTrue(busiest <= 1 + 1e-9, context);
            if (busiest > 1e-9) {
                assertTrue(servesAll(node, model, capacity, served, nodes, busiest * (1 + 1e-6)), context);
                assertTrue(!servesAll(node, model, capacity, served, nodes, busiest * (1 - 1e-3)), context);
            }
        }
    }

    /** Whether the runners serve {@code served} with every node's time capped at {@code share}. */
    private static boolean servesAll(int[] node, int[] model, double[] capacity, double[] served, int nodes,
            double share) {
        double[] scaled = new double[served.length];
        double total = 0;
        for (int m = 0; m < served.length; m++) {
            scaled[m] = served[m] / share;
            total += scaled[m];
        }
        double[] one = new double[node.length];
        java.util.Arrays.fill(one, 1);
        return Allotment.of(node, model, capacity, one, scaled, nodes, true).total() >= total * (1 - 1e-7);
    }
}
