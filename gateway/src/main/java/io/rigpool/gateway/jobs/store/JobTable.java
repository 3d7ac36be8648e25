package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.NewJob;
import io.rigpool.gateway.jobs.StoredJob;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The jobs table's busiest writes, with plain JDBC in the caller's transaction. A batch of new jobs costs one count
 * of the owners' unfinished jobs and one pipelined batch of inserts, however many jobs, so submissions under load
 * share round trips and commits. Idempotency keys are enforced by a unique index, so two gateways racing on one key
 * still make one job.
 */
public final class JobTable {

    private static final String NO_OWNER = "00000000-0000-0000-0000-000000000000";
    private static final String OWNER = "coalesce(api_key_id, '" + NO_OWNER + "'::uuid)";
    private static final String INSERT = """
            INSERT INTO gateway.jobs (id, model, messages, max_tokens, temperature, top_p, seed, stop, stream,
                                      status, created_at, api_key_id, idempotency_key, generation_options)
            VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, 'queued', ?, ?, ?, ?::jsonb)
            ON CONFLICT ((%s), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"""
            .formatted(OWNER);
    private static final String ACTIVE_COUNTS = """
            SELECT api_key_id, count(*) FROM gateway.jobs
            WHERE api_key_id = ANY (?) AND status IN ('queued', 'running')
            GROUP BY api_key_id""";
    private static final String BY_IDEMPOTENCY_KEY = """
            SELECT id, model, messages, max_tokens, temperature, top_p, seed, stop, stream, status, created_at,
                   generation_options
            FROM gateway.jobs WHERE %s = ? AND idempotency_key = ?""".formatted(OWNER);
    private static final String MARK_PUBLISHED = """
            UPDATE gateway.jobs AS j SET published_at = m.at
            FROM unnest(?::uuid[], ?::timestamptz[]) AS m (id, at)
            WHERE j.id = m.id AND j.published_at IS NULL""";

    /** One outcome per job, in order. The caller commits. */
    public List<WriteOutcome> insert(Connection connection, List<NewJob> jobs) throws SQLException {
        List<WriteOutcome> outcomes = new ArrayList<>(jobs.size());
        Map<UUID, Long> active = activeCounts(connection, jobs);
        Map<IdempotencyKey, NewJob> keysInBatch = new HashMap<>();
        List<Integer> toInsert = new ArrayList<>();
        for (NewJob job : jobs) {
            IdempotencyKey key = IdempotencyKey.of(job);
            StoredJob existing = key == null ? null : findExisting(connection, key, keysInBatch.get(key));
            if (existing != null) {
                outcomes.add(new WriteOutcome.Existing(existing));
                continue;
            }
            if (job.maxConcurrentJobs() > 0 && job.ownerKeyId() != null) {
                long unfinished = active.getOrDefault(job.ownerKeyId(), 0L);
                if (unfinished >= job.maxConcurrentJobs()) {
                    outcomes.add(new WriteOutcome.TooManyActive(unfinished, job.maxConcurrentJobs()));
                    continue;
                }
                active.put(job.ownerKeyId(), unfinished + 1);
            }
            if (key != null) {
                keysInBatch.put(key, job);
            }
            toInsert.add(outcomes.size());
            outcomes.add(new WriteOutcome.Created(job));
        }
        insertAll(connection, outcomes, toInsert);
        return outcomes;
    }

    /** Records since when Kafka holds each of these jobs, in one statement; returns how many rows changed. */
    public int markPublished(Connection connection, Map<UUID, Instant> publishedAt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(MARK_PUBLISHED)) {
            update.setArray(1, connection.createArrayOf("uuid", publishedAt.keySet().toArray()));
            update.setArray(2, connection.createArrayOf("text",
                    publishedAt.values().stream().map(Instant::toString).toArray()));
            return update.executeUpdate();
        }
    }

    private void insertAll(Connection connection, List<WriteOutcome> outcomes, List<Integer> positions)
            throws SQLException {
        if (positions.isEmpty()) {
            return;
        }
        int[] counts;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int position : positions) {
                bind(insert, ((WriteOutcome.Created) outcomes.get(position)).job());
                insert.addBatch();
            }
            counts = insert.executeBatch();
        }
        for (int i = 0; i < positions.size(); i++) {
            if (counts[i] == 0) {
                // Another gateway stored a job with this idempotency key since we looked.
                NewJob job = ((WriteOutcome.Created) outcomes.get(positions.get(i))).job();
                StoredJob existing = findExisting(connection, IdempotencyKey.of(job), null);
                outcomes.set(positions.get(i), new WriteOutcome.Existing(Objects.requireNonNull(existing)));
            }
        }
    }

    private void bind(PreparedStatement insert, NewJob job) throws SQLException {
        JobSpec spec = job.spec();
        insert.setObject(1, job.id());
        insert.setString(2, spec.model());
        insert.setString(3, JsonColumns.write(spec.messages()));
        insert.setInt(4, spec.maxTokens());
        insert.setDouble(5, spec.temperature());
        insert.setDouble(6, spec.topP());
        if (spec.seed() == null) {
            insert.setNull(7, Types.BIGINT);
        } else {
            insert.setLong(7, spec.seed());
        }
        insert.setString(8, JsonColumns.write(spec.stop()));
        insert.setBoolean(9, spec.stream());
        insert.setObject(10, OffsetDateTime.ofInstant(job.createdAt(), ZoneOffset.UTC));
        insert.setObject(11, job.ownerKeyId());
        insert.setString(12, job.idempotencyKey());
        insert.setString(13, JsonColumns.write(spec.options()));
    }

    private static Map<UUID, Long> activeCounts(Connection connection, List<NewJob> jobs) throws SQLException {
        Set<UUID> owners = new LinkedHashSet<>();
        for (NewJob job : jobs) {
            if (job.maxConcurrentJobs() > 0 && job.ownerKeyId() != null) {
                owners.add(job.ownerKeyId());
            }
        }
        Map<UUID, Long> counts = new HashMap<>();
        if (owners.isEmpty()) {
            return counts;
        }
        try (PreparedStatement query = connection.prepareStatement(ACTIVE_COUNTS)) {
            Array ids = connection.createArrayOf("uuid", owners.toArray());
            query.setArray(1, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getObject(1, UUID.class), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The job this key already made: in the table, or earlier in this batch. */
    private StoredJob findExisting(Connection connection, IdempotencyKey key, NewJob earlierInBatch)
            throws SQLException {
        if (earlierInBatch != null) {
            return new StoredJob(earlierInBatch.id(), earlierInBatch.spec(), JobStatus.QUEUED,
                    earlierInBatch.createdAt());
        }
        try (PreparedStatement query = connection.prepareStatement(BY_IDEMPOTENCY_KEY)) {
            query.setObject(1, key.owner());
            query.setString(2, key.key());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? storedJob(row) : null;
            }
        }
    }

    private StoredJob storedJob(ResultSet row) throws SQLException {
        long seed = row.getLong("seed");
        Long maybeSeed = row.wasNull() ? null : seed;
        JobSpec spec = new JobSpec(row.getString("model"),
                JsonColumns.read(row.getString("messages"), JsonColumns.MESSAGES), row.getInt("max_tokens"),
                row.getDouble("temperature"), row.getDouble("top_p"), maybeSeed,
                JsonColumns.read(row.getString("stop"), JsonColumns.STRINGS), row.getBoolean("stream"),
                optionsOf(row.getString("generation_options")));
        Instant createdAt = row.getObject("created_at", OffsetDateTime.class).toInstant();
        return new StoredJob(row.getObject("id", UUID.class), spec, JobStatus.fromWireName(row.getString("status")),
                createdAt);
    }

    private GenerationOptions optionsOf(String stored) {
        return stored == null ? GenerationOptions.NONE : JsonColumns.read(stored, JsonColumns.OPTIONS);
    }

    /** An owner's idempotency key; anonymous jobs share the all-zero owner, as the unique index does. */
    private record IdempotencyKey(UUID owner, String key) {

        static IdempotencyKey of(NewJob job) {
            if (job.idempotencyKey() == null) {
                return null;
            }
            return new IdempotencyKey(job.ownerKeyId() == null ? UUID.fromString(NO_OWNER) : job.ownerKeyId(),
                    job.idempotencyKey());
        }
    }
}
