package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.gateway.jobs.NewJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Stores new jobs in batches on a thread of its own, so submissions never block a request thread and share
 * commits under load: whatever arrived while the last batch was being written goes into the next transaction.
 * After each commit, the created jobs are handed on (to be published), and only then are their submitters told.
 */
public final class JobWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobWriter.class);

    /** Writes one batch in one transaction and returns one outcome per job, in order. */
    @FunctionalInterface
    public interface BatchWrite {
        List<WriteOutcome> write(List<NewJob> jobs) throws Exception;
    }

    /** The writer's queue is full: the database is not keeping up. */
    public static final class Overloaded extends RuntimeException {
        Overloaded() {
            super("the job writer's queue is full", null, false, false);
        }
    }

    private record Pending(NewJob job, CompletableFuture<WriteOutcome> outcome) {
    }

    private final BatchWrite batchWrite;
    private final Consumer<List<NewJob>> afterCommit;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean closing;

    /** @param afterCommit gets the jobs of each committed batch that were created, before their submitters hear */
    public JobWriter(BatchWrite batchWrite, Consumer<List<NewJob>> afterCommit, int maxBatch, int maxQueued) {
        this.batchWrite = batchWrite;
        this.afterCommit = afterCommit;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.thread = new Thread(this::writeUntilClosed, "job-writer");
        this.thread.setDaemon(true);
    }

    public JobWriter start() {
        thread.start();
        return this;
    }

    public boolean alive() {
        return thread.isAlive();
    }

    /** Completes once the job is committed (or found to exist, or refused); never on the caller's thread. */
    public CompletableFuture<WriteOutcome> submit(NewJob job) {
        CompletableFuture<WriteOutcome> outcome = new CompletableFuture<>();
        if (closing || !queue.offer(new Pending(job, outcome))) {
            outcome.completeExceptionally(new Overloaded());
        }
        return outcome;
    }

    private void writeUntilClosed() {
        while (!closing || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("the job writer failed; it carries on", e);
            }
        }
    }

    private void write(List<Pending> batch) {
        List<WriteOutcome> outcomes;
        try {
            outcomes = batchWrite.write(batch.stream().map(Pending::job).toList());
        } catch (Exception e) {
            if (DatabaseUnavailableException.isUnavailability(e) || batch.size() == 1) {
                batch.forEach(pending -> pending.outcome().completeExceptionally(e));
            } else {
                // One bad job must not fail the others: each on its own.
                batch.forEach(pending -> write(List.of(pending)));
            }
            return;
        }
        List<NewJob> created = new ArrayList<>();
        for (WriteOutcome outcome : outcomes) {
            if (outcome instanceof WriteOutcome.Created c) {
                created.add(c.job());
            }
        }
        if (!created.isEmpty()) {
            try {
                afterCommit.accept(created);
            } catch (RuntimeException e) {
                // The jobs are committed; the sweeper publishes them if this did not.
                LOG.warnf("handing on %d committed jobs failed (%s)", created.size(), e.toString());
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).outcome().complete(outcomes.get(i));
        }
    }

    /** Writes what is queued, waiting at most {@code timeout}; later submissions are refused. */
    public void close(Duration timeout) {
        closing = true;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.outcome().completeExceptionally(new Overloaded());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
