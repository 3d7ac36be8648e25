package io.rigpool.gateway.database;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** PostgreSQL could not be reached (or went away mid-transaction): nothing was committed. */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(Throwable cause) {
        super("PostgreSQL is unavailable: " + cause.getMessage(), cause);
    }

    /**
     * Whether a failure means the server is unreachable rather than the statement wrong: SQL states of class 08
     * (connection), 57P (the server shuts down or restarts) and 53 (out of resources), and the driver's connection
     * exceptions, wherever they are in the cause chain.
     */
    public static boolean isUnavailability(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabaseUnavailableException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
