package io.rigpool.gateway.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.gateway.jobs.intake.ResultsGroupMember;
import io.rigpool.gateway.jobs.store.JobResultStore;
import io.rigpool.gateway.jobs.store.ResultDeadLetters;
import io.rigpool.gateway.metrics.GatewayMetrics;
import io.rigpool.proto.v1.JobUpdate;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Stores what workers report on {@code rigpool.results}, a batch per transaction. All gateway instances share one
 * consumer group ({@link ResultsGroupMember}, fed by the event follower's copy of the records), so each result is
 * stored (and counted in the metrics) by one of them; its offsets are committed only once stored, so a result is
 * never skipped, and because every store is conditional, the same record read twice changes nothing the second time.
 * Only an unavailable database is waited for ({@link OutageRetry}); an update PostgreSQL refuses is dead-lettered
 * ({@link ResultDeadLetters}), so no record can stall the results.
 */
@ApplicationScoped
public class JobUpdateConsumer {

    private static final Logger LOG = Logger.getLogger(JobUpdateConsumer.class);
    /** The group all gateway instances share; its committed offsets are what make a result consumed once stored. */
    static final String GROUP_ID = "rigpool-gateway";

    private final JobResultStore store = new JobResultStore();
    private final ResultDeadLetters deadLetters = new ResultDeadLetters();

    private final OutageRetry outageRetry;
    private final GatewayMetrics metrics;
    private final ResultsGroupMember member;

    @Inject
    JobUpdateConsumer(AgroalDataSource dataSource, GatewayMetrics metrics,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.outageRetry = new OutageRetry(dataSource, OutageRetry.FIRST_WAIT, OutageRetry.MAX_WAIT);
        this.metrics = metrics;
        this.member = new ResultsGroupMember(kafkaConfig, "rigpool-gateway-results", Topics.RESULTS, GROUP_ID,
                this::onUpdates);
    }

    void start(@Observes StartupEvent event) {
        member.start();
    }

    void stop(@Observes ShutdownEvent event) {
        member.close();
    }

    /** This instance's member of the results group: the event follower hands it its copy of the results. */
    public ResultsGroupMember member() {
        return member;
    }

    void onUpdates(List<ConsumerRecord<String, byte[]>> records) throws InterruptedException {
        Instant receivedAt = Instant.now();
        List<Received> updates = new ArrayList<>(records.size());
        Map<UUID, String> traces = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            read(record.value(), receivedAt).ifPresent(progress -> {
                updates.add(new Received(progress, new ResultDeadLetters.Origin(record.topic(), record.partition(),
                        record.offset(), record.value())));
                Header trace = record.headers().lastHeader(TraceIds.KAFKA_HEADER);
                if (trace != null) {
                    TraceIds.fromHeader(trace.value()).ifPresent(id -> traces.put(progress.jobId(), id));
                }
            });
        }
        if (!updates.isEmpty()) {
            List<JobResultStore.Stored> stored = store(updates);
            metrics.resultsStored(stored);
            for (JobResultStore.Stored result : stored) {
                UUID jobId = result.finished().jobId();
                MDC.put(TraceIds.MDC_KEY, traces.getOrDefault(jobId, TraceIds.ofJob(jobId)));
                LOG.infof("job %s %s", jobId, result.finished().status().wireName());
            }
            MDC.remove(TraceIds.MDC_KEY);
        }
    }

    /** An update as read, with the record it came in. */
    private record Received(JobProgress progress, ResultDeadLetters.Origin origin) {
    }

    private static Optional<JobProgress> read(byte[] payload, Instant receivedAt) {
        if (payload == null) {
            return Optional.empty();
        }
        try {
            JobUpdate update = JobUpdate.parseFrom(payload);
            Optional<JobProgress> progress = JobProgress.of(update, receivedAt);
            if (progress.isEmpty()) {
                LOG.debugf("skipping update %s for job '%s'", update.getState(), update.getJobId());
            }
            return progress;
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("skipping a record on the results topic that is not a JobUpdate (%s)", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Stores the batch in one transaction; when PostgreSQL refuses it, stores the updates one by one so that only
     * the refused ones are dead-lettered and every other is stored, in order.
     */
    private List<JobResultStore.Stored> store(List<Received> updates) throws InterruptedException {
        try {
            return storeWaitingOutOutages(updates);
        } catch (OutageRetry.Refused batchRefused) {
            List<JobResultStore.Stored> stored = new ArrayList<>();
            for (Received update : updates) {
                try {
                    stored.addAll(storeWaitingOutOutages(List.of(update)));
                } catch (OutageRetry.Refused refused) {
                    deadLetter(update, refused.getCause());
                }
            }
            return stored;
        }
    }

    /**
     * Waits out a database outage here ({@link OutageRetry}): moving on would commit the offsets of results never
     * stored.
     */
    private List<JobResultStore.Stored> storeWaitingOutOutages(List<Received> updates)
            throws InterruptedException, OutageRetry.Refused {
        List<JobProgress> progress = updates.stream().map(Received::progress).toList();
        return outageRetry.run(connection -> store.apply(connection, progress));
    }

    private void deadLetter(Received update, Throwable cause) throws InterruptedException {
        UUID jobId = update.progress().jobId();
        boolean finalUpdate = update.progress() instanceof JobProgress.Finished;
        ResultDeadLetters.Origin origin = update.origin();
        try {
            boolean failed = outageRetry.run(connection -> deadLetters.deadLetter(connection, jobId, finalUpdate,
                    origin, cause.toString(), Instant.now()));
            metrics.resultDeadLettered();
            LOG.errorf("job %s: PostgreSQL refused its update at %s-%d@%d, kept in gateway.dead_letters%s (%s)",
                    jobId, origin.topic(), origin.partition(), origin.offset(),
                    failed ? "; the job is failed" : "", cause.toString());
        } catch (OutageRetry.Refused refused) {
            metrics.resultDeadLettered();
            LOG.errorf("job %s: PostgreSQL refused its update at %s-%d@%d (%s) and its dead letter too (%s);"
                    + " the record stays on the topic only", jobId, origin.topic(), origin.partition(),
                    origin.offset(), cause.toString(), refused.getCause().toString());
        }
    }
}
