package io.rigpool.planner.placement;

import java.util.Arrays;

/**
 * How much each runner of a plan serves, in tokens per second: the node time each runner gets times its speed,
 * no model served beyond its demand. Exact (a linear program, {@link ThroughputLp}) for plans up to a size, a
 * greedy allotment above it.
 */
final class Allotment {

    private final double[] served;
    private final double value;
    private final double total;

    private Allotment(double[] served, double[] weight) {
        this.served = served;
        double v = 0;
        double t = 0;
        for (int i = 0; i < served.length; i++) {
            v += weight[i] * served[i];
            t += served[i];
        }
        this.value = v;
        this.total = t;
    }

    /** As the full form, with no preference between runners by per-request speed. */
    static Allotment of(int[] node, int[] model, double[] capacity, double[] weight, double[] demand,
            int nodeCount, boolean exact) {
        return of(node, model, capacity, weight, new double[node.length], demand, nodeCount, exact);
    }

    /**
     * @param node index of each runner's node (0 .. nodeCount - 1)
     * @param model index of each runner's model into {@code demand}
     * @param capacity tokens per second of each runner with its node to itself
     * @param weight share of the horizon each runner serves (below 1 for runners that must load first)
     * @param requestSpeed tokens per second one request sees on each runner: among allotments that serve as
     *     much, the one that serves more from faster runners
     * @param demand tokens per second wanted, per model
     */
    static Allotment of(int[] node, int[] model, double[] capacity, double[] weight, double[] requestSpeed,
            double[] demand, int nodeCount, boolean exact) {
        double[] share = exact ? ThroughputLp.solve(node, model, capacity, weight, requestSpeed, demand, nodeCount)
                : greedyShares(node, model, capacity, weight, demand, nodeCount);
        double[] served = new double[node.length];
        double[] perModel = new double[demand.length];
        for (int i = 0; i < node.length; i++) {
            served[i] = share[i] * capacity[i];
            perModel[model[i]] += served[i];
        }
        // Clip round-off so that no model is ever reported above its demand.
        for (int i = 0; i < node.length; i++) {
            if (perModel[model[i]] > demand[model[i]] && perModel[model[i]] > 0) {
                served[i] *= demand[model[i]] / perModel[model[i]];
            }
        }
        return new Allotment(served, weight);
    }

    /**
     * Runners alone on their node first (their node's time has no other use), then the fastest-per-second first,
     * each taking what its node has left up to its model's unmet demand.
     */
    private static double[] greedyShares(int[] node, int[] model, double[] capacity, double[] weight,
            double[] demand, int nodeCount) {
        int runners = node.length;
        int[] useful = new int[nodeCount];
        for (int i = 0; i < runners; i++) {
            if (capacity[i] > 0 && demand[model[i]] > 0) {
                useful[node[i]]++;
            }
        }
        Integer[] order = new Integer[runners];
        for (int i = 0; i < runners; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            boolean soloX = useful[node[x]] == 1;
            boolean soloY = useful[node[y]] == 1;
            if (soloX != soloY) {
                return soloX ? -1 : 1;
            }
            int byRate = Double.compare(weight[y] * capacity[y], weight[x] * capacity[x]);
            return byRate != 0 ? byRate : Integer.compare(x, y);
        });
        double[] time = new double[nodeCount];
        Arrays.fill(time, 1);
        double[] unmet = demand.clone();
        double[] share = new double[runners];
        for (int i : order) {
            if (capacity[i] <= 0 || unmet[model[i]] <= 0 || time[node[i]] <= 0 || weight[i] <= 0) {
                continue;
            }
            double t = Math.min(time[node[i]], unmet[model[i]] / capacity[i]);
            share[i] = t;
            time[node[i]] -= t;
            unmet[model[i]] -= t * capacity[i];
        }
        return share;
    }

    double served(int runner) {
        return served[runner];
    }

    /** Tokens per second served, each runner discounted by the share of the horizon it spends loading. */
    double value() {
        return value;
    }

    /** Tokens per second served. */
    double total() {
        return total;
    }
}
