package io.rigpool.gateway.availability;

import org.jboss.logging.Logger;

/**
 * One check of one server, recorded in its {@link DependencyState}, and said in the log when the server goes or comes
 * back. {@link Availability} runs each probe as its own scheduler job, so a check that hangs on one server does not
 * delay the other's.
 */
public final class DependencyProbe {

    private static final Logger LOG = Logger.getLogger(DependencyProbe.class);

    /** One check; it must give up by itself within the probe's timeout. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    private final DependencyState state;
    private final Check check;

    public DependencyProbe(DependencyState state, Check check) {
        this.state = state;
        this.check = check;
    }

    /** Runs the check now and records its outcome. */
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
        } catch (Exception e) {
            state.failed(e.toString());
            if (wasUp) {
                LOG.warnf("%s is unreachable; submissions are refused with 503 until it is back (%s)",
                        state.name(), e.toString());
            }
        }
    }
}
