package io.rigpool.local.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits a number of jobs from a few client threads in the background, optionally paced, so that a fault can
 * strike while submissions are still arriving.
 */
public final class JobLoad implements AutoCloseable {

    private final JobSubmitter submitter;
    private final ExecutorService clients;
    private final List<Future<?>> work = new ArrayList<>();
    private final long startedNanos = System.nanoTime();

    /**
     * @param interval pause between one client's submissions (zero: as fast as the gateway answers)
     * @param deadline how long one job may take to be accepted, outages included
     */
    public JobLoad(JobSubmitter submitter, int jobs, int clientThreads, Duration interval, Duration deadline) {
        this.submitter = submitter;
        this.clients = Executors.newFixedThreadPool(clientThreads, r -> {
            Thread t = new Thread(r, "job-client");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < clientThreads; c++) {
            work.add(clients.submit(() -> {
                for (int seq = next.getAndIncrement(); seq < jobs; seq = next.getAndIncrement()) {
                    submitter.submit(seq, deadline);
                    if (!interval.isZero()) {
                        JobSubmitter.pause(interval);
                    }
                }
                return null;
            }));
        }
    }

    /** Waits until every job was accepted; rethrows what stopped a client. */
    public void awaitAllAccepted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> f : work) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a client failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("submissions not done within " + timeout + " ("
                        + submitter.acceptedCount() + " accepted)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() {
        clients.shutdownNow();
    }
}
