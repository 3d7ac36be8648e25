package io.rigpool.planner.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Keeps the buffers runners measured in PostgreSQL (planner.measured_buffers), one row per model and parameters. */
@ApplicationScoped
public class MeasuredBuffersStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    MeasuredBuffersStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void save(MeasuredBuffers m, String nodeId) throws SQLException {
        LoadParameters p = m.key().parameters();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO planner.measured_buffers (model_id, n_gpu_layers, n_ctx, parallel_slots, cache_type_k,"
                        + " cache_type_v, flash_attention, n_batch, n_ubatch, mmap, llama_cpp_build, buffers, node_id,"
                        + " measured_at, n_cpu_moe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)"
                        + " ON CONFLICT (model_id, n_gpu_layers, n_cpu_moe, n_ctx, parallel_slots, cache_type_k,"
                        + " cache_type_v, flash_attention, n_batch, n_ubatch, mmap) DO UPDATE SET llama_cpp_build ="
                        + " EXCLUDED.llama_cpp_build, buffers = EXCLUDED.buffers, node_id = EXCLUDED.node_id,"
                        + " measured_at = EXCLUDED.measured_at")) {
            s.setString(1, m.key().modelId());
            s.setInt(2, p.gpuLayers());
            s.setInt(3, p.contextSize());
            s.setInt(4, p.parallelSlots());
            s.setString(5, p.cacheTypeK().name());
            s.setString(6, p.cacheTypeV().name());
            s.setBoolean(7, p.flashAttention());
            s.setInt(8, p.batchSize());
            s.setInt(9, p.microBatchSize());
            s.setBoolean(10, p.mmap());
            s.setString(11, m.llamaCppBuild());
            s.setString(12, buffersJson(m.buffers()));
            s.setString(13, nodeId);
            s.setTimestamp(14, Timestamp.from(m.measuredAt()));
            s.setInt(15, p.expertLayersOnCpu());
            s.executeUpdate();
        }
    }

    public List<MeasuredBuffers> all() throws SQLException {
        List<MeasuredBuffers> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT model_id, n_gpu_layers, n_ctx, parallel_slots, cache_type_k, cache_type_v, flash_attention,"
                        + " n_batch, n_ubatch, mmap, llama_cpp_build, buffers, measured_at, n_cpu_moe"
                        + " FROM planner.measured_buffers");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                try {
                    LoadParameters p = new LoadParameters(rs.getInt(2), rs.getInt(3), rs.getInt(4),
                            GgmlType.valueOf(rs.getString(5)), GgmlType.valueOf(rs.getString(6)), rs.getBoolean(7),
                            rs.getInt(8), rs.getInt(9), rs.getBoolean(10), rs.getInt(14));
                    all.add(new MeasuredBuffers(new MeasuredBuffers.Key(rs.getString(1), p),
                            buffers(rs.getString(12)), rs.getString(11), rs.getTimestamp(13).toInstant()));
                } catch (IllegalArgumentException | JsonProcessingException e) {
                    // A row this version cannot read is skipped, not fatal: it only loses a measurement.
                }
            }
        }
        return all;
    }

    private static String buffersJson(List<Buffer> buffers) {
        ArrayNode array = JSON.createArrayNode();
        for (Buffer b : buffers) {
            array.addObject().put("buffer_type", b.bufferType()).put("kind", b.kind().name()).put("bytes", b.bytes());
        }
        return array.toString();
    }

    private static List<Buffer> buffers(String json) throws JsonProcessingException {
        List<Buffer> buffers = new ArrayList<>();
        for (JsonNode b : JSON.readTree(json)) {
            String type = b.get("buffer_type").asText();
            buffers.add(new Buffer(type, MeasuredBuffers.deviceOf(type), BufferKind.valueOf(b.get("kind").asText()),
                    b.get("bytes").asLong()));
        }
        return buffers;
    }
}
