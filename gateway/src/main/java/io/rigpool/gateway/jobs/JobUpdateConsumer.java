package io.rigpool.gateway.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.proto.v1.JobUpdate;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stores what workers report on {@code rigpool.results}. The connector commits a record's offset only after this
 * method returns, so a result is never skipped; and because every store is conditional, the same record read twice
 * changes nothing the second time.
 */
@ApplicationScoped
public class JobUpdateConsumer {

    private static final Logger LOG = Logger.getLogger(JobUpdateConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    @Inject
    JobRepository repository;

    @Incoming("job-updates")
    @Blocking
    public void onUpdate(byte[] payload) throws InterruptedException {
        if (payload == null) {
            return;
        }
        JobUpdate update;
        try {
            update = JobUpdate.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("skipping a record on the results topic that is not a JobUpdate (%s)", e.getMessage());
            return;
        }
        JobProgress progress = JobProgress.of(update, Instant.now()).orElse(null);
        if (progress == null) {
            LOG.debugf("skipping update %s for job '%s'", update.getState(), update.getJobId());
            return;
        }
        storeUntilDone(progress);
    }

    /** Waits out a database outage here: moving on would commit the offset of a result never stored. */
    private void storeUntilDone(JobProgress progress) throws InterruptedException {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                store(progress);
                return;
            } catch (RuntimeException e) {
                LOG.warnf("could not store update for job %s, retrying in %d ms (%s)", progress.jobId(),
                        backoff.toMillis(), e.toString());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void store(JobProgress progress) {
        if (progress instanceof JobProgress.Started started) {
            repository.markStarted(started);
        } else if (progress instanceof JobProgress.Finished finished) {
            repository.storeFinished(finished);
        }
    }
}
