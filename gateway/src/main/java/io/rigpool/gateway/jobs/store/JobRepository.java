package io.rigpool.gateway.jobs.store;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.database.JdbcTransaction;
import io.rigpool.gateway.jobs.JobFilter;
import io.rigpool.gateway.jobs.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the jobs table (a caller's page of jobs, jobs the outbox has not published yet) and the gateway's own
 * conditional changes to it (cancelling a queued job). What workers report is applied by {@code JobResultStore};
 * new jobs are inserted by {@code JobTable}.
 */
@ApplicationScoped
public class JobRepository {

    private static final String COLUMNS = """
            id, model, messages, max_tokens, temperature, top_p, seed, stop, status, created_at, published_at,
            started_at, finished_at, result_text, finish_reason, prompt_tokens, completion_tokens, node_id, error,
            timings, api_key_id, idempotency_key, stream, generation_options, result_logprobs, result_tool_calls,
            cancel_requested_at""";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM gateway.jobs WHERE id = ?";
    private static final String UNPUBLISHED = "SELECT " + COLUMNS + """
             FROM gateway.jobs
            WHERE published_at IS NULL AND status = 'queued' AND created_at < ?
            ORDER BY created_at LIMIT ?""";
    /** Claims open jobs published before the cutoff by moving their published_at to now; returns them. */
    private static final String REPUBLISH_STALE = """
            UPDATE gateway.jobs SET published_at = ?
            WHERE id IN (
                SELECT id FROM gateway.jobs
                WHERE status IN ('queued', 'running') AND published_at < ?
                  AND (started_at IS NULL OR started_at < ?)
                ORDER BY published_at LIMIT ?)
            RETURNING\s""" + COLUMNS;
    /**
     * Claims queued jobs published within a window whose record a later job of the same model overtook (it started
     * before a cutoff), by moving their published_at to now; returns them.
     */
    private static final String REPUBLISH_OVERTAKEN = """
            UPDATE gateway.jobs SET published_at = ?
            WHERE id IN (
                SELECT j.id FROM gateway.jobs j
                WHERE j.status = 'queued' AND j.started_at IS NULL
                  AND j.published_at >= ? AND j.published_at <= ?
                  AND EXISTS (
                      SELECT 1 FROM gateway.jobs k
                      WHERE k.model = j.model AND k.created_at > j.created_at AND k.started_at < ?)
                ORDER BY j.published_at LIMIT ?)
            RETURNING\s""" + COLUMNS;
    private static final String FINISHED_AMONG = "SELECT " + COLUMNS
            + " FROM gateway.jobs WHERE id = ANY (?) AND status NOT IN ('queued', 'running')";
    private static final String CANCEL_QUEUED = """
            UPDATE gateway.jobs SET status = 'cancelled', finished_at = ?, error = ?
            WHERE id = ? AND status = 'queued'""";
    private static final String MARK_CANCEL_REQUESTED = """
            UPDATE gateway.jobs SET cancel_requested_at = coalesce(cancel_requested_at, ?) WHERE id = ?""";
    private static final String QUEUED_PER_MODEL = """
            SELECT model, count(*) FROM gateway.jobs WHERE status = 'queued' GROUP BY model""";
    private static final String PURGE_FINISHED = """
            DELETE FROM gateway.jobs WHERE id IN (
                SELECT id FROM gateway.jobs
                WHERE created_at < ? AND status IN ('succeeded', 'failed', 'cancelled')
                LIMIT ?)""";

    private final AgroalDataSource dataSource;

    JobRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Queued jobs whose publish Kafka never acknowledged, created before {@code cutoff}, oldest first. */
    public List<JobRow> unpublishedBefore(Instant cutoff, int limit) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(UNPUBLISHED)) {
                query.setObject(1, timestamp(cutoff));
                query.setInt(2, limit);
                return rows(query);
            }
        });
    }

    /**
     * Open jobs (queued, or running) published before {@code cutoff} and not started since: their published_at is
     * set to {@code now} in the same statement, so each is returned once per {@code cutoff} period, by one gateway.
     */
    public List<JobRow> claimStale(Instant cutoff, Instant now, int limit) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(REPUBLISH_STALE)) {
                query.setObject(1, timestamp(now));
                query.setObject(2, timestamp(cutoff));
                query.setObject(3, timestamp(cutoff));
                query.setInt(4, limit);
                return rows(query);
            }
        });
    }

    /**
     * Queued jobs never started, published between {@code from} and {@code to}, of whose model a job submitted
     * later started before {@code overtakenBefore}: their records look skipped by the queue. Their published_at is
     * set to {@code now} in the same statement, so each is returned once while {@code now} is after {@code to}.
     */
    public List<JobRow> claimOvertaken(Instant from, Instant to, Instant overtakenBefore, Instant now, int limit) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(REPUBLISH_OVERTAKEN)) {
                query.setObject(1, timestamp(now));
                query.setObject(2, timestamp(from));
                query.setObject(3, timestamp(to));
                query.setObject(4, timestamp(overtakenBefore));
                query.setInt(5, limit);
                return rows(query);
            }
        });
    }

    /** One page of jobs, newest first, after the job {@code after} (null: from the newest). */
    public List<JobRow> page(UUID owner, boolean allOwners, JobFilter filter, JobRow after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM gateway.jobs WHERE true");
        List<Object> parameters = new ArrayList<>();
        if (!allOwners) {
            if (owner == null) {
                sql.append(" AND api_key_id IS NULL");
            } else {
                sql.append(" AND api_key_id = ?");
                parameters.add(owner);
            }
        }
        if (!filter.statuses().isEmpty()) {
            sql.append(" AND status = ANY (?)");
            parameters.add(filter.statuses().stream().map(JobStatus::wireName).toArray(String[]::new));
        }
        if (filter.model() != null) {
            sql.append(" AND model = ?");
            parameters.add(filter.model());
        }
        if (filter.createdAfter() != null) {
            sql.append(" AND created_at >= ?");
            parameters.add(timestamp(filter.createdAfter()));
        }
        if (filter.createdBefore() != null) {
            sql.append(" AND created_at < ?");
            parameters.add(timestamp(filter.createdBefore()));
        }
        if (after != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            parameters.add(timestamp(after.createdAt()));
            parameters.add(timestamp(after.createdAt()));
            parameters.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        parameters.add(limit);
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    Object parameter = parameters.get(i);
                    if (parameter instanceof String[] strings) {
                        query.setArray(i + 1, connection.createArrayOf("text", strings));
                    } else {
                        query.setObject(i + 1, parameter);
                    }
                }
                return rows(query);
            }
        });
    }

    /** Cancels a job no worker has started; returns whether it was still queued. */
    public boolean cancelQueued(UUID id, Instant at) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(CANCEL_QUEUED)) {
                update.setObject(1, timestamp(at));
                update.setString(2, "cancelled before a worker started it");
                update.setObject(3, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Notes that a client asked to stop a running job; the worker's CANCELLED update ends it. */
    public void markCancelRequested(UUID id, Instant at) {
        JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(MARK_CANCEL_REQUESTED)) {
                update.setObject(1, timestamp(at));
                update.setObject(2, id);
                return update.executeUpdate();
            }
        });
    }

    /** Those of the given jobs that have ended. */
    public List<JobRow> finishedAmong(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(FINISHED_AMONG)) {
                query.setArray(1, connection.createArrayOf("uuid", jobIds.toArray()));
                return rows(query);
            }
        });
    }

    public Optional<JobRow> findJob(UUID id) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(BY_ID)) {
                query.setObject(1, id);
                return rows(query).stream().findFirst();
            }
        });
    }

    /** Queued jobs per model, for the queue-depth gauge. */
    public Map<String, Long> queuedPerModel() {
        return JdbcTransaction.call(dataSource, connection -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(QUEUED_PER_MODEL);
                    ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            return counts;
        });
    }

    /**
     * Deletes up to {@code limit} finished jobs created before {@code cutoff}; returns how many. Unfinished jobs
     * are kept however old: a client may still be waiting for them.
     */
    public int purgeFinishedBefore(Instant cutoff, int limit) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(PURGE_FINISHED)) {
                delete.setObject(1, timestamp(cutoff));
                delete.setInt(2, limit);
                return delete.executeUpdate();
            }
        });
    }

    private static List<JobRow> rows(PreparedStatement query) throws SQLException {
        List<JobRow> rows = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                rows.add(jobRow(row));
            }
        }
        return rows;
    }

    /** The row mapper, for a result set with {@link #COLUMNS}. */
    private static JobRow jobRow(ResultSet row) throws SQLException {
        return new JobRow(
                row.getObject("id", UUID.class),
                row.getString("model"),
                JsonColumns.read(row.getString("messages"), JsonColumns.MESSAGES),
                row.getInt("max_tokens"),
                row.getDouble("temperature"),
                row.getDouble("top_p"),
                row.getObject("seed", Long.class),
                JsonColumns.read(row.getString("stop"), JsonColumns.STRINGS),
                JobStatus.fromWireName(row.getString("status")),
                instant(row, "created_at"),
                instant(row, "published_at"),
                instant(row, "started_at"),
                instant(row, "finished_at"),
                row.getString("result_text"),
                row.getString("finish_reason"),
                row.getObject("prompt_tokens", Integer.class),
                row.getObject("completion_tokens", Integer.class),
                row.getString("node_id"),
                row.getString("error"),
                JsonColumns.read(row.getString("timings"), JsonColumns.TIMINGS),
                row.getObject("api_key_id", UUID.class),
                row.getString("idempotency_key"),
                row.getBoolean("stream"),
                JsonColumns.read(row.getString("generation_options"), JsonColumns.OPTIONS),
                JsonColumns.read(row.getString("result_logprobs"), JsonColumns.LOGPROBS),
                JsonColumns.read(row.getString("result_tool_calls"), JsonColumns.TOOL_CALLS),
                instant(row, "cancel_requested_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime timestamp(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
