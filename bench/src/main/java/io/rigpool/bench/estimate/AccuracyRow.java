package io.rigpool.bench.estimate;

import io.rigpool.planner.estimate.BufferKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * One buffer of one load: the estimate against what llama.cpp logged. llama.cpp logs MiB with two decimals, so the
 * measured bytes are known to within 0.005 MiB: weights and KV count as exact when the estimate rounds to the same
 * two decimals; compute and output must be within 1 % or 16 MiB, whichever is larger.
 *
 * @param engine the engine that loaded it ("java-llama", "llama-server") and {@code build} its llama.cpp build
 * @param nGpuLayers and {@code nCpuMoe}: what the load asked for (a CPU-only build keeps everything on the CPU)
 */
record AccuracyRow(String model, int nCtx, int nParallel, BufferKind buffer, long estimateBytes, long measuredBytes,
        String engine, String build, int nGpuLayers, int nCpuMoe) {

    static final double MIB = 1 << 20;
    private static final long COMPUTE_SLACK = 16L << 20;

    String bufferName() {
        return buffer.name().toLowerCase(Locale.ROOT);
    }

    long errorBytes() {
        return estimateBytes - measuredBytes;
    }

    /** The error at llama.cpp's precision: 0 when both print as the same MiB figure. */
    double errorMiB() {
        return hundredths(estimateBytes) / 100.0 - hundredths(measuredBytes) / 100.0;
    }

    double relativeError() {
        return measuredBytes == 0 ? (estimateBytes == 0 ? 0 : 1) : Math.abs(errorBytes()) / (double) measuredBytes;
    }

    boolean withinTarget() {
        return switch (buffer) {
            case MODEL, KV -> hundredths(estimateBytes) == hundredths(measuredBytes);
            case COMPUTE, OUTPUT -> Math.abs(errorBytes()) <= Math.max(COMPUTE_SLACK, 0.01 * measuredBytes)
                    || hundredths(estimateBytes) == hundredths(measuredBytes);
        };
    }

    /** The bytes of the MiB figure llama.cpp would print, as a measurement reads them back. */
    static long asLoggedBytes(long bytes) {
        return BigDecimal.valueOf(hundredths(bytes), 2).multiply(BigDecimal.valueOf(1L << 20)).longValue();
    }

    /** The MiB figure as llama.cpp would print it. */
    static String asLogged(long bytes) {
        return BigDecimal.valueOf(hundredths(bytes), 2).toPlainString();
    }

    /** The MiB figure as printf("%.2f") prints it: exact value, ties to even. */
    private static long hundredths(long bytes) {
        return new BigDecimal(bytes).divide(BigDecimal.valueOf(1L << 20)).setScale(2, RoundingMode.HALF_EVEN)
                .movePointRight(2).longValueExact();
    }
}
