package io.rigpool.planner.estimate.speed;

import java.util.Locale;

/**
 * How fast one node decodes: {@code seconds per step = gpuBytes / gpuBandwidth + cpuBytes / cpuBandwidth +
 * overheadSeconds}. Either the datasheet's figures (no overhead) or a fit to the node's measured speeds
 * ({@link SpeedCalibration}).
 *
 * @param gpuBandwidth effective bytes per second the GPU reads
 * @param cpuBandwidth effective bytes per second the host reads
 * @param overheadSeconds fixed time of a decode step beyond reading memory
 * @param observations how many measurements the figures were fitted to (0: the datasheet's)
 * @param rmsRelativeError root mean square of the fit's relative errors on those measurements (0 when none)
 */
public record NodeSpeed(double gpuBandwidth, double cpuBandwidth, double overheadSeconds, int observations,
        double rmsRelativeError) {

    public NodeSpeed {
        if (!(gpuBandwidth > 0) || !(cpuBandwidth > 0) || !Double.isFinite(gpuBandwidth)
                || !Double.isFinite(cpuBandwidth)) {
            throw new IllegalArgumentException("bandwidths must be positive and finite");
        }
        if (!(overheadSeconds >= 0) || !Double.isFinite(overheadSeconds)) {
            throw new IllegalArgumentException("the overhead must be finite and >= 0");
        }
    }

    /** The datasheet's bandwidths, nothing measured. */
    public static NodeSpeed datasheet(double gpuBandwidth, double cpuBandwidth) {
        return new NodeSpeed(gpuBandwidth, cpuBandwidth, 0, 0, 0);
    }

    public boolean calibrated() {
        return observations > 0;
    }

    public double secondsPerStep(double gpuBytes, double cpuBytes) {
        double gpu = gpuBytes <= 0 ? 0 : gpuBytes / gpuBandwidth;
        return gpu + cpuBytes / cpuBandwidth + overheadSeconds;
    }

    /** Tokens per second of one sequence (one token per step). */
    public double tokensPerSecond(double gpuBytes, double cpuBytes) {
        double step = secondsPerStep(gpuBytes, cpuBytes);
        return step <= 0 ? 0 : 1 / step;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "GPU %.0f GB/s, CPU %.1f GB/s, %.2f ms per step (%s)", gpuBandwidth / 1e9,
                cpuBandwidth / 1e9, overheadSeconds * 1e3, calibrated() ? "fitted to " + observations
                        + " measurement(s)" : "datasheet");
    }
}
