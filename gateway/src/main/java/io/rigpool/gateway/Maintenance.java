package io.rigpool.gateway;

import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The gateway's periodic housekeeping (queue-depth gauge, stream memory, missed job ends, retention) as jobs of the
 * Quarkus scheduler. The periods are settings, so the jobs are made at start rather than declared with
 * {@code @Scheduled}; a run that is still going when the next is due is skipped, and a failure skips one run only.
 */
@ApplicationScoped
public class Maintenance {

    private static final Logger LOG = Logger.getLogger(Maintenance.class);

    private final Scheduler scheduler;

    Maintenance(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Runs {@code task} every {@code period}, the first time after one period; a period under a second runs every
     * second, as the Quarkus scheduler checks its triggers once a second.
     */
    public void every(Duration period, String name, Runnable task) {
        Duration interval = period.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : period;
        scheduler.newJob(name)
                .setInterval(interval.toString())
                .setDelayed(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.warnf("%s failed; it runs again in %s (%s)", name, interval, e.toString());
                    }
                })
                .schedule();
    }
}
