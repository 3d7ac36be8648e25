package io.rigpool.gateway.jobs.store;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.Maintenance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes finished jobs older than {@code rigpool.gateway.retention.max-age}, in batches so no delete holds a long
 * transaction. Every instance runs it; two running at once delete disjoint rows or nothing.
 */
@ApplicationScoped
public class JobRetention {

    private static final Logger LOG = Logger.getLogger(JobRetention.class);

    @Inject
    JobRepository repository;

    @Inject
    GatewayConfig config;

    @Inject
    Maintenance maintenance;

    void start(@Observes StartupEvent event) {
        maintenance.every(config.retention().period(), "job retention purge", this::purge);
    }

    /** Deletes what is due now; returns how many jobs. */
    public int purge() {
        Instant cutoff = Instant.now().minus(config.retention().maxAge());
        int batchSize = config.retention().batchSize();
        int total = 0;
        int deleted;
        do {
            deleted = repository.purgeFinishedBefore(cutoff, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        if (total > 0) {
            LOG.infof("deleted %d finished jobs created before %s", total, cutoff);
        }
        return total;
    }
}
