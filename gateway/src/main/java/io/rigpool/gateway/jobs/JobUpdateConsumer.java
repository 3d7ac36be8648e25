package io.rigpool.gateway.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.agroal.api.AgroalDataSource;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.gateway.metrics.GatewayMetrics;
import io.rigpool.proto.v1.JobUpdate;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Stores what workers report on {@code rigpool.results}, a poll's batch per transaction. The connector commits the
 * batch's offsets only after this method returns, so a result is never skipped; and because every store is
 * conditional, the same record read twice changes nothing the second time. All gateway instances share one
 * consumer group, so each result is stored (and counted in the metrics) by one of them.
 */
@ApplicationScoped
public class JobUpdateConsumer {

    private static final Logger LOG = Logger.getLogger(JobUpdateConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final JobResultStore store = new JobResultStore();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GatewayMetrics metrics;

    @Incoming("job-updates")
    @Blocking
    public void onUpdates(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Instant receivedAt = Instant.now();
        List<JobProgress> updates = new ArrayList<>(records.count());
        Map<UUID, String> traces = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            int before = updates.size();
            read(record.value(), receivedAt, updates);
            Header trace = record.headers().lastHeader(TraceIds.KAFKA_HEADER);
            if (trace != null && updates.size() > before) {
                UUID jobId = updates.get(before).jobId();
                TraceIds.fromHeader(trace.value()).ifPresent(id -> traces.put(jobId, id));
            }
        }
        if (!updates.isEmpty()) {
            List<JobResultStore.Stored> stored = storeUntilDone(updates);
            metrics.resultsStored(stored);
            for (JobResultStore.Stored result : stored) {
                UUID jobId = result.finished().jobId();
                MDC.put(TraceIds.MDC_KEY, traces.getOrDefault(jobId, TraceIds.ofJob(jobId)));
                LOG.infof("job %s %s", jobId, result.finished().status().wireName());
            }
            MDC.remove(TraceIds.MDC_KEY);
        }
    }

    private static void read(byte[] payload, Instant receivedAt, List<JobProgress> into) {
        if (payload == null) {
            return;
        }
        try {
            JobUpdate update = JobUpdate.parseFrom(payload);
            JobProgress.of(update, receivedAt).ifPresentOrElse(into::add,
                    () -> LOG.debugf("skipping update %s for job '%s'", update.getState(), update.getJobId()));
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("skipping a record on the results topic that is not a JobUpdate (%s)", e.getMessage());
        }
    }

    /** Waits out a database outage here: moving on would commit the offsets of results never stored. */
    private List<JobResultStore.Stored> storeUntilDone(List<JobProgress> updates) throws InterruptedException {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                return storeOnce(updates);
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("could not store %d job updates, retrying in %d ms (%s)", updates.size(),
                        backoff.toMillis(), e.toString());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private List<JobResultStore.Stored> storeOnce(List<JobProgress> updates) throws SQLException {
        return JdbcTransaction.run(dataSource, connection -> store.apply(connection, updates));
    }
}
