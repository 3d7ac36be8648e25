package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.JobProgress;
import io.rigpool.gateway.jobs.StorableText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Where a result goes that PostgreSQL refused even after {@link JobProgress} cleaned it: into
 * {@code gateway.dead_letters}, whole, so an operator can see and replay it, while the records behind it are
 * stored. A final result that could not be stored also ends its job as failed: a job left running forever would
 * hold its key's concurrency slot and keep its caller waiting. The caller commits.
 */
public final class ResultDeadLetters {

    /** Where the record came from, so a replay can find it. */
    public record Origin(String topic, int partition, long offset, byte[] payload) {
    }

    private static final String INSERT = """
            INSERT INTO gateway.dead_letters (job_id, topic, kafka_partition, kafka_offset, payload, error,
                                              dead_lettered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING""";
    private static final String FAIL_JOB = """
            UPDATE gateway.jobs SET status = 'failed', finished_at = ?, started_at = coalesce(started_at, ?),
                   error = ?
            WHERE id = ? AND status IN ('queued', 'running')""";

    /** Records the refused update; returns whether its job was ended as failed by it. */
    public boolean deadLetter(Connection connection, UUID jobId, boolean finalUpdate, Origin origin, String error,
            Instant now) throws SQLException {
        String storableError = StorableText.of(error);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, jobId);
            insert.setString(2, origin.topic());
            insert.setInt(3, origin.partition());
            insert.setLong(4, origin.offset());
            insert.setBytes(5, origin.payload());
            insert.setString(6, storableError);
            insert.setObject(7, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            insert.executeUpdate();
        }
        if (!finalUpdate || jobId == null) {
            return false;
        }
        try (PreparedStatement fail = connection.prepareStatement(FAIL_JOB)) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            fail.setObject(1, at);
            fail.setObject(2, at);
            fail.setString(3, "the worker's result could not be stored (kept as a dead letter): " + storableError);
            fail.setObject(4, jobId);
            return fail.executeUpdate() == 1;
        }
    }
}
