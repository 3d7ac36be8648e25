package io.rigpool.gateway.availability;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Checks one server again and again on a thread of its own and records each outcome in its
 * {@link DependencyState}. One thread per server, so a check that hangs on one does not delay the other.
 */
public final class DependencyProbe implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DependencyProbe.class);

    /** One check; it must give up by itself within the probe's timeout. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    private final DependencyState state;
    private final Check check;
    private final Duration period;
    private final Thread thread;
    private volatile boolean running = true;

    public DependencyProbe(DependencyState state, Check check, Duration period) {
        this.state = state;
        this.check = check;
        this.period = period;
        this.thread = new Thread(this::checkUntilClosed, "availability-probe-" + state.name().toLowerCase(
                java.util.Locale.ROOT));
        this.thread.setDaemon(true);
    }

    public DependencyProbe start() {
        thread.start();
        return this;
    }

    /** Runs one check now and records it (the probe's thread does this every period). */
    public void checkOnce() {
        boolean wasUp = state.up();
        try {
            check.run();
            state.succeeded();
            if (!wasUp) {
                LOG.infof("%s is reachable again", state.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (Exception e) {
            state.failed(e.toString());
            if (wasUp) {
                LOG.warnf("%s is unreachable; submissions are refused with 503 until it is back (%s)",
                        state.name(), e.toString());
            }
        }
    }

    private void checkUntilClosed() {
        while (running) {
            checkOnce();
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
