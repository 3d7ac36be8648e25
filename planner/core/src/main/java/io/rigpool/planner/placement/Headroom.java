package io.rigpool.planner.placement;

import java.util.Arrays;

/**
 * How busy a plan leaves its busiest node: the least share of any node's memory time with which the plan's runners
 * still serve what it serves. The throughput program ({@link ThroughputLp}) picks some allotment that serves the
 * most; this one spreads that same service so that the busiest node is as idle as it can be, which is what absorbs
 * a burst:
 * <pre>
 *   minimise  U
 *   subject   Σ_{i on node n} t_i ≤ U           for every node
 *             Σ_{i of model m} c_i t_i ≥ S_m     for every model (S_m: what the plan serves of it)
 *             t ≥ 0
 * </pre>
 * Solved through its dual, {@code maximise Σ S_m y_m subject to c_i y_m(i) − x_n(i) ≤ 0, Σ x_n ≤ 1, x, y ≥ 0},
 * whose right-hand sides are all ≥ 0, so the plain {@link Simplex} needs no first phase. The optimum equals
 * {@code U}; the node times come back as the dual's shadow prices.
 */
final class Headroom {

    /**
     * @param busiest the least share of the busiest node's time that serves the plan's service
     * @param nodeTime each node's share of its memory time in that spread
     */
    record Spread(double busiest, double[] nodeTime) {
    }

    private Headroom() {
    }

    /**
     * The busiest node's share of its time in the allotment as it stands (each runner's served tok/s over its
     * capacity, summed per node): an upper bound of {@link #spread}'s, for plans too large to solve exactly. Scale
     * mode judges served throughput by a greedy allotment for the same reason; a program over a thousand nodes
     * would take most of the planning time.
     *
     * @param runnerServed tokens per second each runner serves
     */
    static double allotted(int[] node, double[] capacity, double[] runnerServed, int nodeCount) {
        double[] time = new double[nodeCount];
        double busiest = 0;
        for (int i = 0; i < node.length; i++) {
            if (capacity[i] > 0) {
                time[node[i]] += runnerServed[i] / capacity[i];
                busiest = Math.max(busiest, time[node[i]]);
            }
        }
        return busiest;
    }

    /**
     * @param node index of each runner's node
     * @param model index of each runner's model into {@code served}
     * @param capacity tokens per second of each runner with its node to itself
     * @param served tokens per second the plan serves of each model
     */
    static Spread spread(int[] node, int[] model, double[] capacity, double[] served, int nodeCount) {
        int runners = node.length;
        int[] modelColumn = new int[served.length];
        int[] nodeColumn = new int[nodeCount];
        Arrays.fill(modelColumn, -1);
        Arrays.fill(nodeColumn, -1);
        int[] row = new int[runners];
        int rows = 0;
        int models = 0;
        for (int i = 0; i < runners; i++) {
            row[i] = -1;
            if (capacity[i] > 0 && served[model[i]] > 0) {
                row[i] = rows++;
                if (modelColumn[model[i]] < 0) {
                    modelColumn[model[i]] = models++;
                }
            }
        }
        double[] nodeTime = new double[nodeCount];
        if (rows == 0) {
            return new Spread(0, nodeTime);
        }
        int nodes = 0;
        for (int i = 0; i < runners; i++) {
            if (row[i] >= 0 && nodeColumn[node[i]] < 0) {
                nodeColumn[node[i]] = models + nodes++;
            }
        }
        int variables = models + nodes;
        int totalRows = rows + 1;
        int width = variables + totalRows;
        double[][] a = new double[totalRows][width];
        double[] b = new double[totalRows];
        double[] cost = new double[width];
        int[] basis = new int[totalRows];
        for (int i = 0; i < runners; i++) {
            if (row[i] >= 0) {
                a[row[i]][modelColumn[model[i]]] = capacity[i];
                a[row[i]][nodeColumn[node[i]]] = -1;
            }
        }
        for (int n = 0; n < nodeCount; n++) {
            if (nodeColumn[n] >= 0) {
                a[rows][nodeColumn[n]] = 1;
            }
        }
        b[rows] = 1;
        for (int m = 0; m < served.length; m++) {
            if (modelColumn[m] >= 0) {
                cost[modelColumn[m]] = served[m];
            }
        }
        for (int r = 0; r < totalRows; r++) {
            a[r][variables + r] = 1;
            basis[r] = variables + r;
        }
        double[] reduced = cost.clone();
        Simplex.iterate(a, b, reduced, basis);
        double busiest = 0;
        for (int r = 0; r < totalRows; r++) {
            busiest += cost[basis[r]] * b[r];
        }
        for (int i = 0; i < runners; i++) {
            if (row[i] >= 0) {
                nodeTime[node[i]] += Math.max(0, -reduced[variables + row[i]]);
            }
        }
        return new Spread(busiest, nodeTime);
    }
}
