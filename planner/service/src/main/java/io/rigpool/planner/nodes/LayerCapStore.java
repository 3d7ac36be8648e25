package io.rigpool.planner.nodes;

import io.rigpool.planner.placement.LayerCap;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Keeps the layer caps short offloads set (planner.layer_caps), so that a restarted planner does not ask a node
 * again for layers its llama.cpp could not offload. A cap holds for the backend it was measured with.
 */
@ApplicationScoped
public class LayerCapStore {

    /** One stored cap. */
    record Stored(String nodeId, String modelId, LayerCap cap, String backend) {
    }

    private final DataSource dataSource;

    LayerCapStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void save(String nodeId, String modelId, LayerCap cap, String backend, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO planner.layer_caps (node_id, model_id, layers, why, backend, reported_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (node_id, model_id) DO UPDATE SET layers ="
                        + " EXCLUDED.layers, why = EXCLUDED.why, backend = EXCLUDED.backend,"
                        + " reported_at = EXCLUDED.reported_at")) {
            s.setString(1, nodeId);
            s.setString(2, modelId);
            s.setInt(3, cap.layers());
            s.setString(4, cap.why());
            s.setString(5, backend);
            s.setTimestamp(6, Timestamp.from(at));
            s.executeUpdate();
        }
    }

    /** Forgets a node's caps: it came back with another backend. */
    void clear(String nodeId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM planner.layer_caps WHERE node_id = ?")) {
            s.setString(1, nodeId);
            s.executeUpdate();
        }
    }

    List<Stored> all() throws SQLException {
        List<Stored> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT node_id, model_id, layers, why, backend FROM planner.layer_caps");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                all.add(new Stored(rs.getString(1), rs.getString(2), new LayerCap(rs.getInt(3), rs.getString(4)),
                        rs.getString(5)));
            }
        }
        return all;
    }
}
