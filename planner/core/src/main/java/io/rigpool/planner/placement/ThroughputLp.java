package io.rigpool.planner.placement;

/**
 * The served throughput of a set of runners, solved exactly as a linear program. Each node has one second per
 * second of memory time to share between its runners; runner {@code i} turns a share {@code t_i} of its node's time
 * into {@code c_i · t_i} tokens per second; a model is served at most its demand:
 * <pre>
 *   maximise  Σ w_i c_i t_i
 *   subject   Σ_{i on node n} t_i ≤ 1            for every node
 *             Σ_{i of model m} c_i t_i ≤ D_m      for every model
 *             t ≥ 0
 * </pre>
 * where {@code w_i} discounts a runner that first has to load. Every constraint is a "≤ 1" after scaling the model
 * rows by their demand, so the origin is feasible and a plain tableau simplex suffices ({@link Simplex}).
 */
final class ThroughputLp {

    /** Relative size of the per-request speed tie-break: well below {@link PlanEvaluator#TOLERANCE}. */
    static final double TIE_BREAK = 1e-9;

    private ThroughputLp() {
    }

    /**
     * Among the allotments that serve the most, one of those that serve most from the runners a request sees as
     * fastest: each runner's objective coefficient is raised by a share of at most {@value #TIE_BREAK} of itself,
     * in proportion to its per-request speed, which changes the optimum's value by less than the evaluator's
     * noise.
     *
     * @param requestSpeed tokens per second one request sees on each runner
     * @return the time share {@code t_i} of each runner
     */
    static double[] solve(int[] node, int[] model, double[] capacity, double[] weight, double[] requestSpeed,
            double[] demand, int nodeCount) {
        double fastest = 0;
        for (double s : requestSpeed) {
            fastest = Math.max(fastest, s);
        }
        double[] preferred = new double[weight.length];
        for (int i = 0; i < weight.length; i++) {
            preferred[i] = fastest <= 0 ? weight[i] : weight[i] * (1 + TIE_BREAK * requestSpeed[i] / fastest);
        }
        return solve(node, model, capacity, preferred, demand, nodeCount);
    }

    /**
     * @return the time share {@code t_i} of each runner
     */
    static double[] solve(int[] node, int[] model, double[] capacity, double[] weight, double[] demand,
            int nodeCount) {
        int runners = node.length;
        int modelCount = demand.length;
        int[] nodeRow = new int[nodeCount];
        int[] modelRow = new int[modelCount];
        java.util.Arrays.fill(nodeRow, -1);
        java.util.Arrays.fill(modelRow, -1);
        int[] column = new int[runners];
        int rows = 0;
        int columns = 0;
        for (int i = 0; i < runners; i++) {
            column[i] = -1;
            if (capacity[i] <= 0 || weight[i] <= 0 || demand[model[i]] <= 0) {
                continue;
            }
            column[i] = columns++;
            if (nodeRow[node[i]] < 0) {
                nodeRow[node[i]] = rows++;
            }
            if (modelRow[model[i]] < 0) {
                modelRow[model[i]] = rows++;
            }
        }
        double[] share = new double[runners];
        if (columns == 0) {
            return share;
        }
        int width = columns + rows;
        double[][] a = new double[rows][width];
        double[] b = new double[rows];
        double[] cost = new double[width];
        int[] basis = new int[rows];
        for (int r = 0; r < rows; r++) {
            a[r][columns + r] = 1;
            b[r] = 1;
            basis[r] = columns + r;
        }
        for (int i = 0; i < runners; i++) {
            int j = column[i];
            if (j < 0) {
                continue;
            }
            a[nodeRow[node[i]]][j] = 1;
            a[modelRow[model[i]]][j] = capacity[i] / demand[model[i]];
            cost[j] = weight[i] * capacity[i];
        }
        double[] reduced = cost.clone();
        Simplex.iterate(a, b, reduced, basis);
        double[] value = new double[width];
        for (int r = 0; r < rows; r++) {
            value[basis[r]] = b[r];
        }
        for (int i = 0; i < runners; i++) {
            if (column[i] >= 0) {
                share[i] = Math.max(0, value[column[i]]);
            }
        }
        return share;
    }
}
