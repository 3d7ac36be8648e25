package io.rigpool.planner.placement;

/**
 * A dense tableau simplex for programs {@code maximise c·x subject to A x ≤ b, x ≥ 0} with {@code b ≥ 0}, so that
 * the slack basis is feasible and no first phase is needed. Dantzig's rule picks the entering column; after a
 * while without progress it falls back to Bland's rule, which cannot cycle (the headroom program is degenerate:
 * most of its right-hand sides are 0).
 */
final class Simplex {

    private static final double EPS = 1e-11;

    private Simplex() {
    }

    /**
     * Pivots the tableau to an optimum in place. On return, the basic variable of row {@code r} is
     * {@code basis[r]} with value {@code b[r]}, and {@code -reduced[j]} of a slack column is its row's shadow price.
     *
     * @param a constraint rows, slack columns included
     * @param b right-hand sides, all ≥ 0
     * @param reduced the objective's coefficients on entry, reduced costs on return
     * @param basis the slack column of each row on entry
     */
    static void iterate(double[][] a, double[] b, double[] reduced, int[] basis) {
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
