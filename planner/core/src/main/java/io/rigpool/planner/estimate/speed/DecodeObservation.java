package io.rigpool.planner.estimate.speed;

/**
 * One measured decode speed of one runner: the bytes the estimator says one decode step reads from each device
 * with the runner's load parameters, and the seconds a step really took (1 / the runner's measured tok/s).
 *
 * @param gpuBytes bytes read from VRAM per step
 * @param cpuBytes bytes read from host memory per step
 * @param secondsPerStep measured; 0, negative or not finite when nothing was measured yet
 */
public record DecodeObservation(double gpuBytes, double cpuBytes, double secondsPerStep) {

    /** From a runner's measured decode speed in tokens per second (0 before its first job). */
    public static DecodeObservation ofTokensPerSecond(double gpuBytes, double cpuBytes, double tokensPerSecond) {
        return new DecodeObservation(gpuBytes, cpuBytes, tokensPerSecond > 0 ? 1 / tokensPerSecond : 0);
    }

    /** Whether it can take part in a fit: a real time, and a step that reads something. */
    public boolean usable() {
        return Double.isFinite(secondsPerStep) && secondsPerStep > 0 && Double.isFinite(gpuBytes)
                && Double.isFinite(cpuBytes) && gpuBytes >= 0 && cpuBytes >= 0 && gpuBytes + cpuBytes > 0;
    }
}
