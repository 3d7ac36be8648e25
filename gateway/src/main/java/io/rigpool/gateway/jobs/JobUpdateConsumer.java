package io.rigpool.gateway.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.metrics.GatewayMetrics;
import io.rigpool.proto.v1.JobUpdate;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

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
    public void onUpdates(List<byte[]> payloads) throws InterruptedException {
        Instant receivedAt = Instant.now();
        List<JobProgress> updates = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            read(payload, receivedAt, updates);
        }
        if (!updates.isEmpty()) {
            metrics.resultsStored(storeUntilDone(updates));
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
