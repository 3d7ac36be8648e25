package io.rigpool.worker.jobs;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A job while this worker runs it, as seen from outside its thread: a cancel message asks it to stop and end as
 * CANCELLED; a drain that ran out of time abandons it, so it stops and is handed back without a result.
 */
public final class JobHandle {

    private final String jobId;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Runnable stopGeneration = () -> { };
    private volatile double decodeTps;

    JobHandle(String jobId) {
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    /** The client cancelled the job. */
    public void cancel() {
        if (cancelRequested.compareAndSet(false, true)) {
            stopGeneration.run();
        }
    }

    /** The worker gives the job back unfinished (shutdown or pause deadline). */
    public void abandon() {
        if (abandoned.compareAndSet(false, true)) {
            stopGeneration.run();
        }
    }

    public boolean cancelRequested() {
        return cancelRequested.get();
    }

    public boolean abandoned() {
        return abandoned.get();
    }

    /** Either of the above: the generation should stop. */
    boolean stopRequested() {
        return cancelRequested.get() || abandoned.get();
    }

    /** Decode speed of the finished generation, tokens per second; 0 when unknown. */
    public double decodeTps() {
        return decodeTps;
    }

    void decodeTps(double tps) {
        decodeTps = tps;
    }

    /** The run is over here, whatever its outcome. */
    void ended() {
        ended.countDown();
    }

    /** Waits at most {@code atMost} for the run to be over; returns whether it is. */
    boolean awaitEnded(Duration atMost) throws InterruptedException {
        return ended.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** What stops the generation on the runner; run at once if a stop was already asked for. */
    void onStop(Runnable stop) {
        stopGeneration = stop;
        if (stopRequested()) {
            stop.run();
        }
    }
}
