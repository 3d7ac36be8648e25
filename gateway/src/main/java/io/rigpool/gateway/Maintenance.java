package io.rigpool.gateway;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The gateway's periodic housekeeping (queue-depth gauge, stream memory, missed job ends, retention), on two
 * daemon threads of its own: quarkus-scheduler has no release for this Quarkus version.
 */
@ApplicationScoped
public class Maintenance {

    private static final Logger LOG = Logger.getLogger(Maintenance.class);

    private final AtomicInteger threads = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "gateway-maintenance-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** Runs {@code task} every {@code period}, the first time after one period; a failure skips one run only. */
    public void every(Duration period, String name, Runnable task) {
        long millis = Math.max(1, period.toMillis());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warnf("%s failed; it runs again in %s (%s)", name, period, e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }
}
