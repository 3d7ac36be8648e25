package io.rigpool.common.hardware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryBandwidthTest {

    @Test
    void measuresAPlausibleFigureInUnderHalfASecond() {
        long start = System.nanoTime();
        double gbps = MemoryBandwidth.measureGbps(150);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(gbps > 0.1 && gbps < 2_000, "GB/s: " + gbps);
        // The budget the worker spends at start; generous for a loaded 2-core test machine.
        assertTrue(millis < 1_500, "took " + millis + " ms");
    }
}
