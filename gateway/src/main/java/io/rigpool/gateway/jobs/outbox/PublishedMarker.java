package io.rigpool.gateway.jobs.outbox;

import io.rigpool.gateway.batching.Batcher;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Records Kafka's acknowledgements in the database, many jobs per statement. Acknowledgements arrive on the Kafka
 * producer's network thread, which must never wait for the database, so they are queued and written by a
 * {@link Batcher}. An acknowledgement that is not recorded (the queue full, the write failed, the gateway stopped
 * first) loses nothing: its row stays unpublished and the sweeper sends the job again, a duplicate at worst.
 *
 * <p>Nothing waits for a mark, so the marks are gathered for {@link #GATHER} and each row gets the moment Kafka
 * acknowledged its job. A lone job's mark is then not written while its own inference runs on the same machine,
 * and under load one statement marks a few dozen jobs instead of one or two.
 */
public final class PublishedMarker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PublishedMarker.class);
    private static final int MAX_BATCH = 1000;
    /** Far more than a healthy database ever lets wait; beyond it the sweeper is the cheaper way to catch up. */
    private static final int MAX_QUEUED = 100_000;
    /** Far below the sweeper's minimum age: a gathered mark never makes a job look lost. */
    private static final Duration GATHER = Duration.ofMillis(200);

    /** A job Kafka holds, and since when. */
    private record Acknowledgement(UUID jobId, Instant at) {
    }

    private final Consumer<Map<UUID, Instant>> markPublished;
    private final Supplier<Instant> now;
    private final Batcher<Acknowledgement> batcher;
    /** Whether the full queue was reported, so a backlog is said once, not once per acknowledgement. */
    private final AtomicBoolean fullReported = new AtomicBoolean();

    /** @param markPublished records when Kafka acknowledged each job */
    public PublishedMarker(Consumer<Map<UUID, Instant>> markPublished) {
        this(markPublished, MAX_QUEUED, GATHER, Instant::now);
    }

    PublishedMarker(Consumer<Map<UUID, Instant>> markPublished, int maxQueued, Duration gather,
            Supplier<Instant> now) {
        this.markPublished = markPublished;
        this.now = now;
        this.batcher = new Batcher<>("job-published-marker", MAX_BATCH, maxQueued, gather, this::write).start();
    }

    public void acknowledged(UUID jobId) {
        if (!batcher.offer(new Acknowledgement(jobId, now.get())) && fullReported.compareAndSet(false, true)) {
            LOG.warn("too many acknowledgements wait for the database; those left out stay unpublished and the"
                    + " sweeper sends their jobs again");
        }
    }

    private void write(List<Acknowledgement> batch) {
        Map<UUID, Instant> publishedAt = new LinkedHashMap<>();
        batch.forEach(ack -> publishedAt.putIfAbsent(ack.jobId(), ack.at()));
        try {
            markPublished.accept(publishedAt);
            fullReported.set(false);
        } catch (RuntimeException e) {
            // The rows stay unpublished, so the sweeper sends these jobs again: a duplicate, never a loss.
            LOG.warnf("could not record %d published jobs (%s)", batch.size(), e.toString());
        }
    }

    /** Writes what is queued, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        List<Acknowledgement> left = batcher.close(timeout);
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
