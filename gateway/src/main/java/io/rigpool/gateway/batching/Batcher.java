package io.rigpool.gateway.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Hands items to a handler in batches, on a thread of its own, so the threads that offer them never wait for the
 * handler (a database write, typically). There is no linger by default: an item offered while the thread is idle
 * goes through at once, alone; whatever is offered while a batch is being handled makes up the next batch, so
 * batches grow with the load by themselves. Items are handled in the order offered. A batcher whose items nobody
 * waits for (the published marks) may gather instead: after the first item it waits a while for more, so a steady
 * trickle costs one batch per gathering, not one per item, and its writes stay off the moments the items came from.
 *
 * <p>The queue is bounded, and a full queue refuses at once ({@link #offer} returns false) rather than blocking:
 * its callers are request threads and Kafka's network thread, which must not stall behind the database, and each
 * caller has a lossless answer to a refusal (the client is told to retry; the job stays unpublished and the sweeper
 * sends it again). An unbounded queue would instead turn a slow database into an out-of-memory gateway.
 */
public final class Batcher<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Batcher.class);
    /** How often the idle thread looks whether it is asked to close. */
    private static final long CLOSE_CHECK_MS = 100;

    private final Consumer<List<T>> handler;
    private final int maxBatch;
    private final long gatherNanos;
    private final BlockingQueue<T> queue;
    private final Thread thread;
    /** Guarded by {@code this} where set, so no item is queued after {@link #close} has taken the leftovers. */
    private volatile boolean closing;

    /**
     * @param handler handles one batch; what it throws is logged and the next batch goes on, so a handler that must
     *     tell its items' owners of a failure does so itself
     * @param capacity how many items may wait; more are refused
     */
    public Batcher(String threadName, int maxBatch, int capacity, Consumer<List<T>> handler) {
        this(threadName, maxBatch, capacity, Duration.ZERO, handler);
    }

    /** @param gather how long to wait for more items after the first of a batch; zero for none */
    public Batcher(String threadName, int maxBatch, int capacity, Duration gather, Consumer<List<T>> handler) {
        if (maxBatch < 1 || capacity < 1 || gather.isNegative()) {
            throw new IllegalArgumentException("maxBatch and capacity must be positive, gather not negative");
        }
        this.handler = handler;
        this.maxBatch = maxBatch;
        this.gatherNanos = gather.toNanos();
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = new Thread(this::handleUntilClosed, threadName);
        this.thread.setDaemon(true);
    }

    public Batcher<T> start() {
        thread.start();
        return this;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    /** Queues the item; false when the queue is full or the batcher is closing. Never blocks. */
    public synchronized boolean offer(T item) {
        return !closing && queue.offer(item);
    }

    private void handleUntilClosed() {
        while (!closing || !queue.isEmpty()) {
            try {
                T first = queue.poll(CLOSE_CHECK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                gather();
                List<T> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                handler.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s failed to handle a batch; it carries on", thread.getName());
            }
        }
    }

    /** Waits the gathering time, or less when asked to close, without waking for each item that comes. */
    private void gather() {
        long deadline = System.nanoTime() + gatherNanos;
        long left;
        while (!closing && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
    }

    /**
     * Refuses new items and handles those queued, waiting at most {@code timeout}; returns what was still queued
     * then, unhandled, for the caller to account for.
     */
    public List<T> close(Duration timeout) {
        synchronized (this) {
            closing = true;
        }
        LockSupport.unpark(thread);
        if (thread.isAlive()) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        return left;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
