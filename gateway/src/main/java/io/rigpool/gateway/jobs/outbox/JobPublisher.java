package io.rigpool.gateway.jobs.outbox;

import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.proto.v1.JobRequest;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Puts jobs on their model's topic, keyed by job id, and reports each one Kafka acknowledged.
 *
 * <p>Sends run on one thread of their own: {@code Producer.send} blocks while it fetches a topic's metadata (the
 * first job of a model, or whenever the broker is away), and a client's request must not wait for that once its
 * job is committed. A publish that fails or is dropped here is not lost: the row stays unpublished and the sweeper
 * sends it again. A job whose send is still waiting for the broker is not sent a second time, so a broker outage
 * does not pile up copies of the same job for the workers to run.
 */
public final class JobPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);

    private final Producer<String, byte[]> producer;
    private final Consumer<UUID> onAcknowledged;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor sender;

    /**
     * @param maxQueued sends waiting for the sending thread beyond which new ones are left to the sweeper
     */
    public JobPublisher(Producer<String, byte[]> producer, Consumer<UUID> onAcknowledged, int maxQueued) {
        this.producer = producer;
        this.onAcknowledged = onAcknowledged;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueued),
                runnable -> {
                    Thread thread = new Thread(runnable, "job-publisher");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues the job for sending unless a send of it is already under way; returns whether it was queued.
     *
     * @param traceId goes with the record in the {@link TraceIds#KAFKA_HEADER} header, for the worker's logs
     */
    public boolean publish(JobRequest request, String traceId) {
        UUID jobId = UUID.fromString(request.getJobId());
        if (!inFlight.add(jobId)) {
            return false;
        }
        try {
            sender.execute(() -> send(jobId, request, traceId));
            return true;
        } catch (RejectedExecutionException e) {
            inFlight.remove(jobId);
            LOG.warnf("publish queue full or closed; the sweeper will publish job %s later", jobId);
            return false;
        }
    }

    private void send(UUID jobId, JobRequest request, String traceId) {
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.jobs(request.getModel()),
                    request.getJobId(), request.toByteArray());
            record.headers().add(TraceIds.KAFKA_HEADER, TraceIds.toHeader(traceId));
            producer.send(record, (metadata, error) -> {
                inFlight.remove(jobId);
                if (error == null) {
                    onAcknowledged.accept(jobId);
                } else {
                    LOG.warnf("Kafka did not take job %s (%s); the sweeper will publish it again", jobId,
                            error.toString());
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(jobId);
            LOG.warnf("could not send job %s (%s); the sweeper will publish it again", jobId, e.toString());
        }
    }

    public boolean alive() {
        return !sender.isShutdown();
    }

    /** Sends what is queued, waits up to {@code timeout} for Kafka's answers, then closes the producer. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    public void close(Duration timeout) {
        sender.shutdown();
        try {
            sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
    }
}
