package io.rigpool.planner.nodes;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.WorkerHello;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Keeps the node registry and the plan history in PostgreSQL (schema planner). */
@ApplicationScoped
public class NodeStore {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final DataSource dataSource;

    NodeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Nodes from an earlier run are not connected to this one: they count as lost until they say hello again. */
    void markAllLost() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE planner.nodes SET state = 'lost'");
            s.executeUpdate("DELETE FROM planner.assignments");
        }
    }

    void saveNode(Node node) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO planner.nodes (node_id, hostname, state, last_seen_at, hello) VALUES (?, ?, ?, ?, ?::jsonb)"
                        + " ON CONFLICT (node_id) DO UPDATE SET hostname = EXCLUDED.hostname, state = EXCLUDED.state,"
                        + " last_seen_at = EXCLUDED.last_seen_at, hello = EXCLUDED.hello")) {
            s.setString(1, node.nodeId);
            s.setString(2, node.hello.getHostname());
            s.setString(3, node.state.label());
            s.setTimestamp(4, Timestamp.from(node.lastSeen));
            // Without the secret, and without the models' tensor tables (hundreds of entries each, kept in memory).
            WorkerHello.Builder stored = node.hello.toBuilder().clearClusterToken();
            stored.getModelsBuilderList().forEach(m -> m.clearGeometry());
            s.setString(5, JSON.print(stored));
            s.executeUpdate();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    void saveState(String nodeId, NodeState state, Instant lastSeen) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE planner.nodes SET state = ?, last_seen_at = ? WHERE node_id = ?")) {
            s.setString(1, state.label());
            s.setTimestamp(2, Timestamp.from(lastSeen));
            s.setString(3, nodeId);
            s.executeUpdate();
        }
    }

    /** Forgets a node: its row, and with it (cascade) its admin reserve, pins and assignments; its layer caps. */
    void deleteNode(String nodeId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement caps = c.prepareStatement("DELETE FROM planner.layer_caps WHERE node_id = ?");
                PreparedStatement node = c.prepareStatement("DELETE FROM planner.nodes WHERE node_id = ?")) {
            caps.setString(1, nodeId);
            caps.executeUpdate();
            node.setString(1, nodeId);
            node.executeUpdate();
        }
    }

    /** Records a new plan version (with its explanation) and replaces the current assignments, in one transaction. */
    void savePlan(long version, String trigger, Map<String, List<Assignment>> plan, String details)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                StringBuilder json = new StringBuilder("{");
                for (Map.Entry<String, List<Assignment>> e : plan.entrySet()) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append('"').append(e.getKey().replace("\"", "")).append("\":")
                            .append(JSON.print(AssignmentSet.newBuilder().setPlanVersion(version)
                                    .addAllAssignments(e.getValue())));
                }
                json.append('}');
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO planner.plans (plan_version, trigger, assignments, details)"
                                + " VALUES (?, ?, ?::jsonb, ?::jsonb)")) {
                    s.setLong(1, version);
                    s.setString(2, trigger);
                    s.setString(3, json.toString());
                    s.setString(4, details);
                    s.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM planner.assignments");
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO planner.assignments (node_id, model_id,"
                        + " n_gpu_layers, n_ctx, parallel_slots, reason, plan_version, engine, n_cpu_moe)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Map.Entry<String, List<Assignment>> e : plan.entrySet()) {
                        for (Assignment a : e.getValue()) {
                            s.setString(1, e.getKey());
                            s.setString(2, a.getModelId());
                            s.setInt(3, a.getNGpuLayers());
                            s.setInt(4, a.getNCtx());
                            s.setInt(5, a.getParallelSlots());
                            s.setString(6, a.getReason());
                            s.setLong(7, version);
                            s.setString(8, a.getEngine());
                            s.setInt(9, a.getNCpuMoe());
                            s.addBatch();
                        }
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } catch (InvalidProtocolBufferException e) {
                c.rollback();
                throw new IllegalStateException(e);
            }
        }
    }

    long lastPlanVersion() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT coalesce(max(plan_version), 0) FROM planner.plans")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
