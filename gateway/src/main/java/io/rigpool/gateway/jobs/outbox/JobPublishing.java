package io.rigpool.gateway.jobs.outbox;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.Maintenance;
import io.rigpool.gateway.availability.Availability;
import io.rigpool.gateway.jobs.NewJob;
import io.rigpool.gateway.database.JdbcTransaction;
import io.rigpool.gateway.jobs.store.JobRow;
import io.rigpool.gateway.jobs.store.JobRepository;
import io.rigpool.gateway.jobs.store.JobTable;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Gets committed jobs onto Kafka: publishes each new job, records Kafka's acknowledgements, and sweeps up the jobs
 * whose publish was lost, and the jobs still open long after their publish (a record the share group dropped).
 *
 * <p>Why a plain Kafka producer rather than a SmallRye {@code Emitter}: every model has its own topic, known only
 * per job, and the gateway needs each record's acknowledgement to set {@code published_at}; the producer's send
 * callback gives exactly that. An emitter adds a channel, its own buffer with an overflow policy, and a per-message
 * topic override through metadata, all in the way of the one thing needed here.
 */
@ApplicationScoped
public class JobPublishing {

    private static final Logger LOG = Logger.getLogger(JobPublishing.class);
    private static final int MAX_QUEUED_SENDS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    JobRepository repository;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GatewayConfig config;

    @Inject
    Maintenance maintenance;

    @Inject
    Availability availability;

    private PublishedMarker marker;
    private JobPublisher publisher;
    /** Set at shutdown: a sweep the scheduler still starts then leaves the rows for the next start. */
    private volatile boolean stopping;

    @PostConstruct
    void createPublisher() {
        JobTable table = new JobTable();
        marker = new PublishedMarker(publishedAt ->
                JdbcTransaction.call(dataSource, connection -> table.markPublished(connection, publishedAt)));
        publisher = new JobPublisher(new KafkaProducer<>(producerConfig()), marker::acknowledged, MAX_QUEUED_SENDS);
    }

    void startSweeper(@Observes StartupEvent event) {
        maintenance.every(config.sweeper().period(), "unpublished job sweep", this::sweep);
    }

    /** Stops in the order that loses nothing: no new sweeps, then pending sends, then their acknowledgements. */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        publisher.close(CLOSE_TIMEOUT);
        marker.close(CLOSE_TIMEOUT);
    }

    /** Publishes jobs whose rows are committed. */
    public void publish(List<NewJob> jobs) {
        for (NewJob job : jobs) {
            publisher.publish(JobRequests.of(job.id(), job.spec(), job.createdAt()), job.traceId());
        }
    }

    public boolean alive() {
        return publisher.alive();
    }

    void sweep() {
        if (stopping) {
            return;
        }
        try {
            Instant now = Instant.now();
            int queued = publishAgain(repository.unpublishedBefore(now.minus(config.sweeper().minAge()),
                    config.sweeper().batchSize()));
            if (queued > 0) {
                LOG.infof("publishing %d jobs again whose publish was not acknowledged", queued);
            }
            List<JobRow> stale = repository.claimStale(now.minus(config.sweeper().republishAfter()), now,
                    config.sweeper().batchSize());
            int again = publishAgain(stale);
            if (!stale.isEmpty()) {
                // Its record may have been dropped by the share group (see GatewayConfig.Sweeper#republishAfter).
                LOG.warnf("publishing %d jobs again that are still open %s after their publish", again,
                        config.sweeper().republishAfter());
            }
            availability.lastKafkaOutage().ifPresent(outage -> republishSkipped(outage, now));
        } catch (RuntimeException e) {
            // A failed sweep (database away) is said here, where its cause is known; the next one tries again.
            LOG.warnf("sweep for unpublished jobs failed (%s)", e.toString());
        }
    }

    /**
     * After a Kafka outage, publishes again the jobs published around it that the queue seems to have skipped: still
     * queued while a job of the same model submitted later has been running for a while (see
     * GatewayConfig.Sweeper#outageMargin). Looks from one margin after the outage's end, so that a claimed job,
     * whose published_at moves to now, falls outside the window and is published again once only.
     */
    private void republishSkipped(Availability.Outage outage, Instant now) {
        GatewayConfig.Sweeper sweeper = config.sweeper();
        Instant to = outage.upAgain().plus(sweeper.outageMargin());
        if (now.isBefore(to) || now.isAfter(outage.upAgain().plus(sweeper.outageWatch()))) {
            return;
        }
        List<JobRow> skipped = repository.claimOvertaken(outage.downSince().minus(sweeper.outageMargin()), to,
                now.minus(sweeper.overtakenFor()), now, sweeper.batchSize());
        int again = publishAgain(skipped);
        if (!skipped.isEmpty()) {
            LOG.warnf("publishing %d jobs again that were published around the Kafka outage of %s to %s and are still"
                    + " queued while later jobs of their model run: %s", again, outage.downSince(), outage.upAgain(),
                    skipped.stream().map(JobRow::id).toList());
        }
    }

    /** Queues the jobs' records for sending again; returns how many were queued (not already on their way). */
    private int publishAgain(List<JobRow> jobs) {
        int queued = 0;
        for (JobRow job : jobs) {
            if (publisher.publish(JobRequests.of(job), TraceIds.ofJob(job.id()))) {
                queued++;
            }
        }
        return queued;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> producer = ProducerSettings.noLoss(kafkaConfig);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "rigpool-gateway-jobs");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // No linger: a lone job leaves at once (a linger of 1 ms was a millisecond on every idle job's way). Under
        // load jobs still go in batches: with one request in flight (noLoss), records gather while it is answered.
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return producer;
    }
}
