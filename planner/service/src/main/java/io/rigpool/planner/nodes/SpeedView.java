package io.rigpool.planner.nodes;

import io.rigpool.planner.estimate.speed.NodeSpeed;

/**
 * A node's decode speed for the API and the admin page: the datasheet's bandwidths beside those fitted to its
 * runners' measured speeds (see {@code SpeedCalibration}).
 *
 * @param observations runner shapes the fit used (0: the fitted figures are the datasheet's)
 * @param rmsErrorPercent the fit's root mean square relative error on them
 */
public record SpeedView(double datasheetGpuGbps, double datasheetCpuGbps, double gpuGbps, double cpuGbps,
        double overheadMs, int observations, double rmsErrorPercent) {

    static SpeedView of(NodeSpeeds speeds) {
        NodeSpeed d = speeds.datasheet();
        NodeSpeed f = speeds.fitted();
        return new SpeedView(round(d.gpuBandwidth() / 1e9), round(d.cpuBandwidth() / 1e9), round(f.gpuBandwidth()
                / 1e9), round(f.cpuBandwidth() / 1e9), round(f.overheadSeconds() * 1e3), f.observations(),
                round(f.rmsRelativeError() * 100));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
