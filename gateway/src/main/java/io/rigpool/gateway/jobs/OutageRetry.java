package io.rigpool.gateway.jobs;

import io.rigpool.common.retry.RetryForever;
import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.gateway.database.JdbcTransaction;
import io.smallrye.faulttolerance.api.Guard;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Runs a write on the results path until PostgreSQL takes it, waiting out an outage: giving up would commit the
 * offsets of results never stored. Only unavailability and the conflicts a second try resolves are retried (SmallRye
 * Fault Tolerance, {@link RetryForever}); a statement PostgreSQL refuses would be refused forever and stall the
 * partition, so it comes back at once as {@link Refused}.
 */
final class OutageRetry {

    private static final Logger LOG = Logger.getLogger(OutageRetry.class);

    /** The waits between tries: 200 ms, doubling up to 5 s. */
    static final Duration FIRST_WAIT = Duration.ofMillis(200);
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    /** PostgreSQL refused the statement itself: retrying the same data cannot help. */
    static final class Refused extends Exception {
        Refused(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final DataSource dataSource;
    private final Guard guard;

    OutageRetry(DataSource dataSource, Duration firstWait, Duration maxWait) {
        this.dataSource = dataSource;
        this.guard = Guard.create()
                .withDescription("results path: PostgreSQL outage")
                .withRetry()
                .with(RetryForever.doubling(firstWait, maxWait))
                .whenException(OutageRetry::worthRetrying)
                .beforeRetry(failure -> LOG.warnf("PostgreSQL could not take a write on the results path, retrying"
                        + " (%s)", failure.toString()))
                .done()
                .build();
    }

    /** Runs the work in a transaction of its own ({@link JdbcTransaction}) until it commits or is refused. */
    @SuppressWarnings("unchecked")
    <T> T run(JdbcTransaction.Work<T> work) throws Refused, InterruptedException {
        try {
            return (T) guard.call(() -> JdbcTransaction.run(dataSource, work), Object.class);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Refused(e);
        }
    }

    /** Unavailability, and the conflicts that a second try resolves (serialization failure, deadlock). */
    static boolean worthRetrying(Throwable failure) {
        if (DatabaseUnavailableException.isUnavailability(failure)) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("40001") || sql.getSQLState().equals("40P01"))) {
                return true;
            }
        }
        return false;
    }
}
