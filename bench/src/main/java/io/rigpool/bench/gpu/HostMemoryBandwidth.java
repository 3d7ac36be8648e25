package io.rigpool.bench.gpu;

import java.util.Arrays;

/**
 * The host's memory bandwidth, measured the way the worker measures it for the planner
 * (worker/agent's {@code MemoryBandwidth}: one thread copying 2 × 64 MiB, bytes read plus written), so that the
 * predicted speed is the one the planner would compute for this machine. Copied rather than depended on: the bench
 * does not pull in the worker's Quarkus application.
 */
final class HostMemoryBandwidth {

    private static final int LONGS = 8 * 1024 * 1024;

    private HostMemoryBandwidth() {
    }

    /**
     * The same copy on {@code threads} threads at once, summed: closer to what llama.cpp's threads together read
     * than the one-thread floor the worker reports (shown beside it, not used for the prediction).
     */
    static double measureGbps(long budgetMillis, int requestedThreads) throws InterruptedException {
        // Each thread holds 128 MiB of arrays: no more threads than the heap has room for.
        long perThread = 2L * LONGS * Long.BYTES;
        int threads = (int) Math.max(1, Math.min(requestedThreads,
                (Runtime.getRuntime().maxMemory() - (256L << 20)) / perThread));
        double[] results = new double[threads];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int slot = i;
            workers[i] = new Thread(() -> results[slot] = measureGbps(budgetMillis), "bandwidth-" + i);
            workers[i].start();
        }
        double sum = 0;
        for (int i = 0; i < threads; i++) {
            workers[i].join();
            sum += results[i];
        }
        return sum;
    }

    /** GB/s (10^9 bytes per second) over about {@code budgetMillis}, after touching the buffers once. */
    static double measureGbps(long budgetMillis) {
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
        return to[LONGS - 1] == Long.MIN_VALUE ? 0 : copies * bytesPerCopy / seconds / 1e9;
    }
}
