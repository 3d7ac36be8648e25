package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.batching.Batcher;
import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.gateway.jobs.NewJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Stores new jobs in batches on a thread of its own ({@link Batcher}), so submissions never block a request thread
 * and share commits under load: whatever arrived while the last batch was being written goes into the next
 * transaction. After each commit, the created jobs are handed on (to be published), and only then are their
 * submitters told.
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
    private final Batcher<Pending> batcher;

    /**
     * @param afterCommit gets the jobs of each committed batch that were created, before their submitters hear
     * @param maxQueued how many jobs may wait for the database; more are refused with {@link Overloaded}, which the
     *     client sees as "try again": the job was never accepted, so refusing it loses nothing
     */
    public JobWriter(BatchWrite batchWrite, Consumer<List<NewJob>> afterCommit, int maxBatch, int maxQueued) {
        this.batchWrite = batchWrite;
        this.afterCommit = afterCommit;
        this.batcher = new Batcher<>("job-writer", maxBatch, maxQueued, this::write);
    }

    public JobWriter start() {
        batcher.start();
        return this;
    }

    public boolean alive() {
        return batcher.alive();
    }

    /** Completes once the job is committed (or found to exist, or refused); never on the caller's thread. */
    public CompletableFuture<WriteOutcome> submit(NewJob job) {
        CompletableFuture<WriteOutcome> outcome = new CompletableFuture<>();
        if (!batcher.offer(new Pending(job, outcome))) {
            outcome.completeExceptionally(new Overloaded());
        }
        return outcome;
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
        for (Pending pending : batcher.close(timeout)) {
            pending.outcome().completeExceptionally(new Overloaded());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
