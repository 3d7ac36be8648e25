package io.rigpool.gateway.jobs.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Records Kafka's acknowledgements in the database, many jobs per statement. Acknowledgements arrive on the Kafka
 * producer's network thread, which must never wait for the database, so they are queued and written here.
 */
public final class PublishedMarker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PublishedMarker.class);
    private static final int MAX_BATCH = 1000;

    private final BlockingQueue<UUID> acknowledged = new LinkedBlockingQueue<>();
    private final Consumer<List<UUID>> markPublished;
    private final Thread writer;
    private volatile boolean closing;

    public PublishedMarker(Consumer<List<UUID>> markPublished) {
        this.markPublished = markPublished;
        this.writer = new Thread(this::writeUntilClosed, "job-published-marker");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public void acknowledged(UUID jobId) {
        acknowledged.add(jobId);
    }

    private void writeUntilClosed() {
        while (!closing || !acknowledged.isEmpty()) {
            try {
                UUID first = acknowledged.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<UUID> batch = new ArrayList<>();
                batch.add(first);
                acknowledged.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(List<UUID> batch) {
        try {
            markPublished.accept(batch);
        } catch (RuntimeException e) {
            // The rows stay unpublished, so the sweeper sends these jobs again: a duplicate, never a loss.
            LOG.warnf("could not record %d published jobs (%s)", batch.size(), e.toString());
        }
    }

    /** Writes what is queued, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        closing = true;
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
