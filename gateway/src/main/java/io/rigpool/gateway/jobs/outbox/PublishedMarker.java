package io.rigpool.gateway.jobs.outbox;

import io.rigpool.gateway.batching.Batcher;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Records Kafka's acknowledgements in the database, many jobs per statement. Acknowledgements arrive on the Kafka
 * producer's network thread, which must never wait for the database, so they are queued and written by a
 * {@link Batcher}. An acknowledgement that is not recorded (the queue full, the write failed, the gateway stopped
 * first) loses nothing: its row stays unpublished and the sweeper sends the job again, a duplicate at worst.
 */
public final class PublishedMarker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PublishedMarker.class);
    private static final int MAX_BATCH = 1000;
    /** Far more than a healthy database ever lets wait; beyond it the sweeper is the cheaper way to catch up. */
    private static final int MAX_QUEUED = 100_000;

    private final Consumer<List<UUID>> markPublished;
    private final Batcher<UUID> batcher;
    /** Whether the full queue was reported, so a backlog is said once, not once per acknowledgement. */
    private final AtomicBoolean fullReported = new AtomicBoolean();

    public PublishedMarker(Consumer<List<UUID>> markPublished) {
        this(markPublished, MAX_QUEUED);
    }

    PublishedMarker(Consumer<List<UUID>> markPublished, int maxQueued) {
        this.markPublished = markPublished;
        this.batcher = new Batcher<>("job-published-marker", MAX_BATCH, maxQueued, this::write).start();
    }

    public void acknowledged(UUID jobId) {
        if (!batcher.offer(jobId) && fullReported.compareAndSet(false, true)) {
            LOG.warn("too many acknowledgements wait for the database; those left out stay unpublished and the"
                    + " sweeper sends their jobs again");
        }
    }

    private void write(List<UUID> batch) {
        try {
            markPublished.accept(batch);
            fullReported.set(false);
        } catch (RuntimeException e) {
            // The rows stay unpublished, so the sweeper sends these jobs again: a duplicate, never a loss.
            LOG.warnf("could not record %d published jobs (%s)", batch.size(), e.toString());
        }
    }

    /** Writes what is queued, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        List<UUID> left = batcher.close(timeout);
        if (!left.isEmpty()) {
            LOG.warnf("%d published jobs were not recorded before the stop; the sweeper sends them again",
                    left.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
