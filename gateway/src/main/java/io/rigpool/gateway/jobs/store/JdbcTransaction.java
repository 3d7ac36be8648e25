package io.rigpool.gateway.jobs.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs plain JDBC work in one transaction of its own, for the batched writes that bypass Hibernate. A connection
 * that cannot be had means the database is unavailable, which callers answer differently from a failed statement.
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
}
