package io.rigpool.planner.estimate.speed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a node's effective GPU bandwidth, host bandwidth and fixed cost per decode step to its runners' measured
 * decode speeds, with the datasheet as the prior.
 *
 * <p>Model: a step reads {@code g} bytes from VRAM and {@code p} from host memory and takes
 * {@code t = g·a + p·b + c} seconds, with {@code a = 1/B_gpu}, {@code b = 1/B_cpu}, {@code c ≥ 0}. Written as
 * scales of the datasheet ({@code a = s_g / B_gpu⁰}, {@code b = s_c / B_cpu⁰}) and the overhead in units of the
 * median measured step {@code T} ({@code c = k·T}), the fit is the non-negative least squares
 * <pre>
 *   minimise  Σ_i ((g_i s_g / B_gpu⁰ + p_i s_c / B_cpu⁰ + k T) / t_i − 1)²  +  λ (s_g − s_c)²  +  μ k²
 *   subject   s_g ≥ s_min,  s_c ≥ s_min,  k ≥ 0
 * </pre>
 * Relative errors, so a slow CPU-only runner counts as much as a fast one. The two small penalties are the prior:
 * they decide only what the measurements leave open. One measurement keeps the datasheet's ratio of GPU to host
 * bandwidth and fits their common scale (no overhead); measurements that differ in their GPU/host split fit both
 * scales; measurements that also differ in size fit the overhead. {@code s_min} keeps a bandwidth within
 * {@code 1/s_min} of the datasheet's (caches make small models read faster than memory, not unboundedly so).
 *
 * <p>Three unknowns, so the exact solution comes from trying every set of active bounds (eight small linear
 * systems) and keeping the best feasible one.
 */
public final class SpeedCalibration {

    /** Weight of the prior that GPU and host fall short of their datasheets alike. */
    static final double RATIO_PRIOR = 1e-5;
    /** Weight of the prior that a step has no fixed cost: bandwidth explains a slow step first. */
    static final double OVERHEAD_PRIOR = 1e-3;
    /** Effective bandwidth at most ten times the datasheet's. */
    static final double MIN_SCALE = 0.1;

    private SpeedCalibration() {
    }

    /**
     * @param prior the datasheet's bandwidths (its overhead is ignored)
     * @param observations measurements; unusable ones (nothing measured yet) are skipped
     * @return the prior itself when no observation is usable
     */
    public static NodeSpeed fit(NodeSpeed prior, List<DecodeObservation> observations) {
        List<DecodeObservation> usable = observations.stream().filter(DecodeObservation::usable).toList();
        if (usable.isEmpty()) {
            return NodeSpeed.datasheet(prior.gpuBandwidth(), prior.cpuBandwidth());
        }
        double[] times = usable.stream().mapToDouble(DecodeObservation::secondsPerStep).sorted().toArray();
        double unit = times[times.length / 2];
        int n = usable.size();
        // Rows: one per measurement, then the two prior rows. Columns: s_g − s_min, s_c − s_min, k.
        double[][] a = new double[n + 2][3];
        double[] y = new double[n + 2];
        for (int i = 0; i < n; i++) {
            DecodeObservation o = usable.get(i);
            double t = o.secondsPerStep();
            a[i][0] = o.gpuBytes() / prior.gpuBandwidth() / t;
            a[i][1] = o.cpuBytes() / prior.cpuBandwidth() / t;
            a[i][2] = unit / t;
            y[i] = 1 - MIN_SCALE * (a[i][0] + a[i][1]);
        }
        a[n][0] = Math.sqrt(RATIO_PRIOR);
        a[n][1] = -Math.sqrt(RATIO_PRIOR);
        a[n + 1][2] = Math.sqrt(OVERHEAD_PRIOR);
        double[] x = nonNegativeLeastSquares(a, y);
        double gpuScale = MIN_SCALE + x[0];
        double cpuScale = MIN_SCALE + x[1];
        NodeSpeed fitted = new NodeSpeed(prior.gpuBandwidth() / gpuScale, prior.cpuBandwidth() / cpuScale,
                x[2] * unit, n, 0);
        return new NodeSpeed(fitted.gpuBandwidth(), fitted.cpuBandwidth(), fitted.overheadSeconds(), n,
                rmsRelativeError(fitted, usable));
    }

    /** Root mean square of (predicted − measured) / measured step times. */
    public static double rmsRelativeError(NodeSpeed speed, List<DecodeObservation> observations) {
        double sum = 0;
        int count = 0;
        for (DecodeObservation o : observations) {
            if (o.usable()) {
                double e = speed.secondsPerStep(o.gpuBytes(), o.cpuBytes()) / o.secondsPerStep() - 1;
                sum += e * e;
                count++;
            }
        }
        return count == 0 ? 0 : Math.sqrt(sum / count);
    }

    /**
     * min ‖A x − y‖² over x ≥ 0 for three columns: the optimum lies in the interior of one face of the orthant,
     * where it is that face's unconstrained least squares; of the feasible ones, the best is the optimum.
     */
    static double[] nonNegativeLeastSquares(double[][] a, double[] y) {
        int columns = a[0].length;
        double[] best = new double[columns];
        double bestCost = cost(a, y, best);
        for (int mask = 1; mask < 1 << columns; mask++) {
            List<Integer> free = new ArrayList<>();
            for (int j = 0; j < columns; j++) {
                if ((mask & 1 << j) != 0) {
                    free.add(j);
                }
            }
            double[] solved = leastSquares(a, y, free);
            if (solved == null) {
                continue;
            }
            double[] x = new double[columns];
            boolean feasible = true;
            for (int f = 0; f < free.size(); f++) {
                feasible &= solved[f] >= 0;
                x[free.get(f)] = Math.max(0, solved[f]);
            }
            double c = cost(a, y, x);
            if (feasible && c < bestCost) {
                best = x;
                bestCost = c;
            }
        }
        return best;
    }

    /** Normal equations of the chosen columns, by Gaussian elimination; null when they are singular. */
    private static double[] leastSquares(double[][] a, double[] y, List<Integer> free) {
        int k = free.size();
        double[][] m = new double[k][k + 1];
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < k; i++) {
                double ai = a[r][free.get(i)];
                for (int j = 0; j < k; j++) {
                    m[i][j] += ai * a[r][free.get(j)];
                }
                m[i][k] += ai * y[r];
            }
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(m[pivot][col]) < 1e-15) {
                return null;
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double factor = m[r][col] / m[col][col];
                    for (int j = col; j <= k; j++) {
                        m[r][j] -= factor * m[col][j];
                    }
                }
            }
        }
        double[] x = new double[k];
        for (int i = 0; i < k; i++) {
            x[i] = m[i][k] / m[i][i];
        }
        return Arrays.stream(x).allMatch(Double::isFinite) ? x : null;
    }

    private static double cost(double[][] a, double[] y, double[] x) {
        double sum = 0;
        for (int r = 0; r < a.length; r++) {
            double e = -y[r];
            for (int j = 0; j < x.length; j++) {
                e += a[r][j] * x[j];
            }
            sum += e * e;
        }
        return sum;
    }
}
