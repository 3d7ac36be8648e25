package io.rigpool.planner.nodes;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Keeps the node credentials' digests (planner.node_credentials), so that a restarted planner still knows them. */
@ApplicationScoped
public class NodeCredentialStore {

    private final DataSource dataSource;

    NodeCredentialStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void save(String nodeId, byte[] digest, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO planner.node_credentials (node_id, digest, enrolled_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (node_id) DO UPDATE SET digest = EXCLUDED.digest,"
                        + " enrolled_at = EXCLUDED.enrolled_at")) {
            s.setString(1, nodeId);
            s.setBytes(2, digest);
            s.setTimestamp(3, Timestamp.from(at));
            s.executeUpdate();
        }
    }

    void delete(String nodeId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM planner.node_credentials WHERE node_id = ?")) {
            s.setString(1, nodeId);
            s.executeUpdate();
        }
    }

    Map<String, byte[]> all() throws SQLException {
        Map<String, byte[]> all = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT node_id, digest FROM planner.node_credentials"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                all.put(rs.getString(1), rs.getBytes(2));
            }
        }
        return all;
    }
}
