package io.rigpool.bench.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fits the decode-speed model to measured points, as issue 12 §4 asks the planner to do per node:
 * {@code seconds per token = gpuBytes / gpuBandwidth + cpuBytes / cpuBandwidth + fixed}, least squares over the
 * measured points. It says how far the model's form is from llama.cpp once its three constants are measured; it
 * is reported beside the datasheet prediction, never used to hide it. A fit needs more points than unknowns (on a
 * CPU-only run the GPU term drops out), otherwise there is nothing to check it with.
 */
final class SpeedCalibration {

    /** One measured point: bytes read per token on each device, and the measured seconds per token. */
    record Point(double gpuBytes, double cpuBytes, double secondsPerToken) {
    }

    /**
     * The fitted constants. A bandwidth is infinite (reported as null) where the fit found that device costs
     * nothing, which means the data cannot tell it apart from the fixed cost.
     */
    record Fit(Double gpuGbps, Double cpuGbps, double fixedMillisPerToken, int points, boolean gpuTerm) {

        double secondsPerToken(double gpuBytes, double cpuBytes) {
            double t = fixedMillisPerToken / 1000;
            if (gpuTerm && gpuGbps != null) {
                t += gpuBytes / (gpuGbps * 1e9);
            }
            if (cpuGbps != null) {
                t += cpuBytes / (cpuGbps * 1e9);
            }
            return t;
        }
    }

    private SpeedCalibration() {
    }

    static Optional<Fit> fit(List<Point> points) {
        boolean gpuTerm = points.stream().anyMatch(p -> p.gpuBytes() > 0);
        int unknowns = gpuTerm ? 3 : 2;
        long distinct = points.stream().map(p -> List.of(p.gpuBytes(), p.cpuBytes())).distinct().count();
        if (distinct <= unknowns) {
            return Optional.empty();
        }
        // Normal equations of the least-squares problem, columns scaled to GB so they are well conditioned.
        double[][] a = new double[unknowns][unknowns + 1];
        for (Point p : points) {
            List<Double> row = new ArrayList<>();
            if (gpuTerm) {
                row.add(p.gpuBytes() / 1e9);
            }
            row.add(p.cpuBytes() / 1e9);
            row.add(1.0);
            for (int i = 0; i < unknowns; i++) {
                for (int j = 0; j < unknowns; j++) {
                    a[i][j] += row.get(i) * row.get(j);
                }
                a[i][unknowns] += row.get(i) * p.secondsPerToken();
            }
        }
        double[] x = solve(a);
        if (x == null) {
            return Optional.empty();
        }
        int k = 0;
        Double gpu = gpuTerm ? gbps(x[k++]) : null;
        Double cpu = gbps(x[k++]);
        return Optional.of(new Fit(gpu, cpu, x[k] * 1000, points.size(), gpuTerm));
    }

    /** Seconds per GB to GB/s; a non-positive cost has no bandwidth. */
    private static Double gbps(double secondsPerGb) {
        return secondsPerGb > 0 ? 1 / secondsPerGb : null;
    }

    /** Gaussian elimination with partial pivoting on an augmented matrix; null when singular. */
    private static double[] solve(double[][] a) {
        int n = a.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12) {
                return null;
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= n; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }
}
