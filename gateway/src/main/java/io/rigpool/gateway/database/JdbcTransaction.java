package io.rigpool.gateway.database;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs plain JDBC work in one transaction of its own: how the gateway reads and writes its tables. A connection that
 * cannot be had means the database is unavailable, which callers answer differently from a failed statement.
 * Never call it inside a JTA transaction ({@code @Transactional}): it commits on its own.
 */
public final class JdbcTransaction {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransaction() {
    }

    /** @throws DatabaseUnavailableException when no connection can be had */
    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(e);
        }
        try (connection) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // The connection is broken; the pool discards it.
                }
                throw e;
            }
        }
    }

    /**
     * {@link #run}, for callers with nothing to do about a failed statement but fail: it comes as an unchecked
     * {@link DatabaseFailure} whose cause is the {@link SQLException}, so
     * {@link DatabaseUnavailableException#isUnavailability} still tells an outage from a bad statement.
     */
    public static <T> T call(DataSource dataSource, Work<T> work) {
        try {
            return run(dataSource, work);
        } catch (SQLException e) {
            throw new DatabaseFailure(e);
        }
    }

    /** A statement failed; nothing of its transaction was committed. */
    public static final class DatabaseFailure extends RuntimeException {
        DatabaseFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
