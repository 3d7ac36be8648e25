package io.rigpool.planner.plan;

import io.rigpool.planner.placement.Pin;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import javax.sql.DataSource;

/** Keeps admins' decisions in PostgreSQL: reserve and drain on planner.nodes, pins, minimum replicas. */
@ApplicationScoped
public class AdminRuleStore {

    private final DataSource dataSource;

    AdminRuleStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public AdminRules load() throws SQLException {
        AdminRules rules = new AdminRules();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT node_id, reserve_bytes, drained FROM planner.nodes")) {
                while (rs.next()) {
                    long reserve = rs.getLong(2);
                    if (!rs.wasNull()) {
                        rules.setReserve(rs.getString(1), reserve);
                    }
                    rules.setDrained(rs.getString(1), rs.getBoolean(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT model_id, node_id FROM planner.pins ORDER BY created_at")) {
                while (rs.next()) {
                    rules.pin(new Pin(rs.getString(1), rs.getString(2)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT model_id, min_replicas FROM planner.model_rules")) {
                while (rs.next()) {
                    rules.setMinReplicas(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return rules;
    }

    public void saveReserve(String nodeId, Long bytes) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE planner.nodes SET reserve_bytes = ? WHERE node_id = ?")) {
            if (bytes == null) {
                s.setNull(1, Types.BIGINT);
            } else {
                s.setLong(1, bytes);
            }
            s.setString(2, nodeId);
            s.executeUpdate();
        }
    }

    public void saveDrained(String nodeId, boolean drained) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE planner.nodes SET drained = ? WHERE node_id = ?")) {
            s.setBoolean(1, drained);
            s.setString(2, nodeId);
            s.executeUpdate();
        }
    }

    public void savePin(Pin pin, boolean present) throws SQLException {
        String sql = present ? "INSERT INTO planner.pins (model_id, node_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
                : "DELETE FROM planner.pins WHERE model_id = ? AND node_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, pin.modelId());
            s.setString(2, pin.nodeId());
            s.executeUpdate();
        }
    }

    public void saveMinReplicas(String modelId, int replicas) throws SQLException {
        String sql = replicas == 0 ? "DELETE FROM planner.model_rules WHERE model_id = ?"
                : "INSERT INTO planner.model_rules (model_id, min_replicas) VALUES (?, ?) ON CONFLICT (model_id)"
                        + " DO UPDATE SET min_replicas = EXCLUDED.min_replicas, updated_at = now()";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, modelId);
            if (replicas != 0) {
                s.setInt(2, replicas);
            }
            s.executeUpdate();
        }
    }
}
