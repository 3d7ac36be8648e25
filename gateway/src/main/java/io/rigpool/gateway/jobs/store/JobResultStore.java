package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.JobProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies what workers report to the jobs table, a whole poll's worth in the caller's transaction, in the order
 * reported. Every change is a conditional UPDATE, so the database decides whether it still applies: a repeated or
 * late update finds no row to change, and a job's first final result is the one kept.
 */
public final class JobResultStore {

    /** A final result stored now (not a repeat), with what the metrics need of its job. */
    public record Stored(JobProgress.Finished finished, String model, Instant createdAt) {
    }

    /** A job handed to another node (a crash, a drain) is running there now: its RUNNING names the new node. */
    private static final String START = """
            UPDATE gateway.jobs SET status = 'running', started_at = coalesce(started_at, ?), node_id = ?
            WHERE id = ? AND status IN ('queued', 'running')""";
    /**
     * Only the node the job's latest RUNNING named may end a running job, so one worker (or anyone who can write
     * to the results topic as a worker) cannot finish another's jobs; a job no node has started yet may be ended
     * by the node that took it (cancelled or refused before it ran).
     */
    private static final String FINISH = """
            UPDATE gateway.jobs SET status = ?, finished_at = ?, started_at = coalesce(started_at, ?),
                   result_text = ?, finish_reason = ?, prompt_tokens = ?, completion_tokens = ?,
                   node_id = coalesce(?, node_id), error = ?, timings = ?::jsonb, result_logprobs = ?::jsonb,
                   result_tool_calls = ?::jsonb
            WHERE id = ? AND (status = 'queued' OR status = 'running' AND node_id IS NOT DISTINCT FROM ?)
            RETURNING model, created_at""";

    /** The caller commits. */
    public List<Stored> apply(Connection connection, List<JobProgress> updates) throws SQLException {
        List<Stored> stored = new ArrayList<>();
        try (PreparedStatement start = connection.prepareStatement(START);
                PreparedStatement finish = connection.prepareStatement(FINISH)) {
            boolean startsPending = false;
            for (JobProgress update : updates) {
                if (update instanceof JobProgress.Started started) {
                    start.setObject(1, timestamp(started.at()));
                    start.setString(2, started.nodeId());
                    start.setObject(3, started.jobId());
                    start.addBatch();
                    startsPending = true;
                } else if (update instanceof JobProgress.Finished finished) {
                    // A job's start must be applied before its end, so pending starts go first.
                    if (startsPending) {
                        start.executeBatch();
                        startsPending = false;
                    }
                    bindFinish(finish, finished);
                    try (ResultSet row = finish.executeQuery()) {
                        if (row.next()) {
                            stored.add(new Stored(finished, row.getString(1),
                                    row.getObject(2, OffsetDateTime.class).toInstant()));
                        }
                    }
                }
            }
            if (startsPending) {
                start.executeBatch();
            }
        }
        return stored;
    }

    private void bindFinish(PreparedStatement finish, JobProgress.Finished finished) throws SQLException {
        finish.setString(1, finished.status().wireName());
        finish.setObject(2, timestamp(finished.at()));
        finish.setObject(3, timestamp(finished.at()));
        finish.setString(4, finished.text());
        finish.setString(5, finished.finishReason());
        setInteger(finish, 6, finished.promptTokens());
        setInteger(finish, 7, finished.completionTokens());
        finish.setString(8, finished.nodeId());
        finish.setString(9, finished.error());
        finish.setString(10, finished.timings() == null ? null : JsonColumns.write(finished.timings()));
        finish.setString(11, finished.logprobs().isEmpty() ? null : JsonColumns.write(finished.logprobs()));
        finish.setString(12, finished.toolCalls().isEmpty() ? null : JsonColumns.write(finished.toolCalls()));
        finish.setObject(13, finished.jobId());
        finish.setString(14, finished.nodeId());
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static OffsetDateTime timestamp(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
