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
 * rows by their demand, so the origin is feasible and a plain tableau simplex suffices (Dantzig's rule, falling
 * back to Bland's rule, which cannot cycle, when progress stalls).
 */
final class ThroughputLp {

    private static final double EPS = 1e-11;

    private ThroughputLp() {
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
        iterate(a, b, reduced, basis);
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

    private static void iterate(double[][] a, double[] b, double[] reduced, int[] basis) {
        int rows = b.length;
        int width = reduced.length;
        int limit = 50 * (rows + width);
        for (int iteration = 0; iteration < limit; iteration++) {
            boolean bland = iteration > 4 * (rows + width);
            int entering = -1;
            double best = EPS;
            for (int j = 0; j < width; j++) {
                if (reduced[j] > best) {
                    entering = j;
                    if (bland) {
                        break;
                    }
                    best = reduced[j];
                }
            }
            if (entering < 0) {
                return;
            }
            int leaving = -1;
            double ratio = Double.POSITIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                if (a[r][entering] > EPS) {
                    double q = b[r] / a[r][entering];
                    if (q < ratio - EPS || (q <= ratio + EPS && leaving >= 0 && basis[r] < basis[leaving])) {
                        ratio = q;
                        leaving = r;
                    }
                }
            }
            if (leaving < 0) {
                throw new IllegalStateException("unbounded throughput program: a capacity or demand is infinite");
            }
            pivot(a, b, reduced, basis, leaving, entering);
        }
    }

    private static void pivot(double[][] a, double[] b, double[] reduced, int[] basis, int row, int col) {
        double[] pivotRow = a[row];
        double p = pivotRow[col];
        for (int j = 0; j < pivotRow.length; j++) {
            pivotRow[j] /= p;
        }
        b[row] /= p;
        for (int r = 0; r < a.length; r++) {
            if (r == row) {
                continue;
            }
            double f = a[r][col];
            if (f != 0) {
                double[] ar = a[r];
                for (int j = 0; j < ar.length; j++) {
                    ar[j] -= f * pivotRow[j];
                }
                b[r] -= f * b[row];
                if (b[r] < 0 && b[r] > -1e-12) {
                    b[r] = 0;
                }
            }
        }
        double f = reduced[col];
        for (int j = 0; j < reduced.length; j++) {
            reduced[j] -= f * pivotRow[j];
        }
        basis[row] = col;
    }
}
