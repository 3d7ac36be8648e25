package io.rigpool.common.hardware;

import java.util.Arrays;

/**
 * Measures how fast this PC copies memory, which bounds how fast llama.cpp decodes layers kept on the CPU: every
 * token reads every weight once. A copy of buffers far larger than any CPU cache, repeated for a fraction of a
 * second, counting bytes read plus bytes written (as memory benchmarks such as STREAM's copy do). One thread: the
 * figure is a floor; llama.cpp's threads together may reach more.
 */
public final class MemoryBandwidth {

    /** 2 × 64 MiB: well beyond the last-level cache of desktop CPUs. */
    private static final int LONGS = 8 * 1024 * 1024;

    private MemoryBandwidth() {
    }

    /**
     * Copies for about {@code budgetMillis} (after touching the buffers once, since first touch of fresh memory is
     * far slower than copying it) and returns GB/s (10^9 bytes per second).
     */
    public static double measureGbps(long budgetMillis) {
        long[] from = new long[LONGS];
        long[] to = new long[LONGS];
        Arrays.fill(from, 1L);
        Arrays.fill(to, 2L);
        System.arraycopy(from, 0, to, 0, LONGS);
        long bytesPerCopy = 2L * LONGS * Long.BYTES;
        long copies = 0;
        long start = System.nanoTime();
        long deadline = start + budgetMillis * 1_000_000L;
        long now;
        do {
            System.arraycopy(from, 0, to, 0, LONGS);
            from[(int) (copies % LONGS)] = copies;
            copies++;
            now = System.nanoTime();
        } while (now < deadline);
        double seconds = (now - start) / 1e9;
        // The last element read keeps the copies from being optimised away.
        return to[LONGS - 1] == Long.MIN_VALUE ? 0 : copies * bytesPerCopy / seconds / 1e9;
    }
}
