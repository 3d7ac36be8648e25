package io.rigpool.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeedCalibrationTest {

    /** Seconds per token of a machine with 1000 GB/s of GPU, 50 GB/s of CPU and 2 ms fixed per token. */
    private static SpeedCalibration.Point point(double gpuGb, double cpuGb) {
        return new SpeedCalibration.Point(gpuGb * 1e9, cpuGb * 1e9, gpuGb / 1000 + cpuGb / 50 + 0.002);
    }

    @Test
    void recoversTheConstantsOfAnOffloadSweep() {
        var fit = SpeedCalibration.fit(List.of(point(0, 4.6), point(1.2, 3.4), point(2.3, 2.3), point(4.6, 0.3),
                point(4.9, 0))).orElseThrow();
        assertEquals(1000, fit.gpuGbps(), 1e-6);
        assertEquals(50, fit.cpuGbps(), 1e-6);
        assertEquals(2, fit.fixedMillisPerToken(), 1e-6);
        assertEquals(point(3, 1).secondsPerToken(), fit.secondsPerToken(3e9, 1e9), 1e-12);
    }

    @Test
    void cpuOnlyPointsFitWithoutAGpuTerm() {
        var fit = SpeedCalibration.fit(List.of(point(0, 1.3), point(0, 4.6), point(0, 8.4))).orElseThrow();
        assertEquals(null, fit.gpuGbps());
        assertEquals(50, fit.cpuGbps(), 1e-6);
    }

    @Test
    void noFitFromAsManyPointsAsConstants() {
        // Two CPU-only models give two equations for two constants: a perfect fit that checks nothing.
        assertTrue(SpeedCalibration.fit(List.of(point(0, 4.6), point(0, 8.4))).isEmpty());
        assertTrue(SpeedCalibration.fit(List.of(point(0, 4.6), point(0, 4.6), point(0, 4.6))).isEmpty());
    }
}
