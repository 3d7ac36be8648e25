package io.rigpool.gateway.testing;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.util.PGobject;

/** Reads and writes {@code gateway.jobs} with plain SQL, past the gateway's own code; tests inject it. */
@Singleton
public class JobRows {

    private final DataSource dataSource;

    @Inject
    public JobRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long count() {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM gateway.jobs")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The row as column name → value, or null when there is none. */
    public Map<String, Object> find(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT * FROM gateway.jobs WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    // jsonb comes back as a driver object; its text is what the tests compare.
                    row.put(rs.getMetaData().getColumnName(i), value instanceof PGobject json ? json.getValue() : value);
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A queued job whose publish never happened, as if the gateway had died right after the commit. */
    public void insertUnpublished(UUID id, String model, String userMessage, Instant createdAt) {
        insertQueued(id, model, userMessage, createdAt, null);
    }

    /** A queued job published at {@code publishedAt} and never taken since (its record lost in the queue). */
    public void insertPublished(UUID id, String model, String userMessage, Instant createdAt, Instant publishedAt) {
        insertQueued(id, model, userMessage, createdAt, publishedAt);
    }

    private void insertQueued(UUID id, String model, String userMessage, Instant createdAt, Instant publishedAt) {
        String sql = """
                INSERT INTO gateway.jobs (id, model, messages, max_tokens, temperature, top_p, seed, stop, status,
                                          created_at, published_at)
                VALUES (?, ?, ?::jsonb, 32, 0.5, 1.0, 7, '["END"]'::jsonb, 'queued', ?, ?)""";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            s.setString(2, model);
            s.setString(3, "[{\"role\":\"user\",\"content\":\"" + userMessage + "\"}]");
            s.setTimestamp(4, Timestamp.from(createdAt));
            s.setTimestamp(5, publishedAt == null ? null : Timestamp.from(publishedAt));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets a job's status as a worker's report would (a final one also gets finished_at). */
    public void setStatus(UUID id, String status) {
        String sql = "UPDATE gateway.jobs SET status = ?, published_at = now(),"
                + " finished_at = CASE WHEN ? IN ('succeeded', 'failed', 'cancelled') THEN now() END WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, status);
            s.setString(2, status);
            s.setObject(3, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Marks a job running since {@code startedAt}, as a worker's RUNNING update would. */
    public void setStarted(UUID id, Instant startedAt) {
        String sql = "UPDATE gateway.jobs SET status = 'running', started_at = ? WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(startedAt));
            s.setObject(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
