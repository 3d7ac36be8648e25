package io.rigpool.bench.gpu;

import io.rigpool.common.hardware.MemoryBandwidth;

/**
 * The host's memory bandwidth on several threads at once, beside the one-thread figure the worker reports to the
 * planner ({@link MemoryBandwidth}, the same copy), so the benchmark shows both.
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
            workers[i] = new Thread(() -> results[slot] = MemoryBandwidth.measureGbps(budgetMillis),
                    "bandwidth-" + i);
            workers[i].start();
        }
        double sum = 0;
        for (int i = 0; i < threads; i++) {
            workers[i].join();
            sum += results[i];
        }
        return sum;
    }
}
