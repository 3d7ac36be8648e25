package io.rigpool.planner.nodes;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The one thread every fleet event runs on, in order. Whatever a task throws is logged with the node it was about
 * and goes no further: one worker's message must never end the loop that plans every node (an exception in a
 * periodic task would otherwise cancel it for good).
 */
final class FleetLoop {

    private static final Logger LOG = Logger.getLogger(FleetLoop.class);

    private static final AtomicLong FAILED = new AtomicLong();

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-loop");
        t.setDaemon(true);
        return t;
    });

    /** Runs an event of a node ({@code nodeId} may be null) on the loop. */
    void execute(String nodeId, String what, Runnable task) {
        thread.execute(() -> guarded(nodeId, what, task));
    }

    void every(long seconds, String what, Runnable task) {
        thread.scheduleWithFixedDelay(() -> guarded(null, what, task), seconds, seconds, TimeUnit.SECONDS);
    }

    /** Runs an action on the loop; the future fails with the action's exception. */
    <T> CompletableFuture<T> submit(Callable<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(action.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    void stop() {
        thread.shutdownNow();
    }

    /** How many fleet-loop tasks have thrown since the planner started (each logged, none ended the loop). */
    static long failedTasks() {
        return FAILED.get();
    }

    static void guarded(String nodeId, String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            FAILED.incrementAndGet();
            LOG.errorf(e, "fleet loop: %s%s failed; the loop goes on", what,
                    nodeId == null ? "" : " of node " + nodeId);
        }
    }
}
