package io.rigpool.local.reliability;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.Infrastructure;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The truth about a set of jobs, read where it is kept: the gateway's {@code gateway.jobs} table in PostgreSQL (what
 * the user sees) and the {@code rigpool.results} topic (what the workers reported). Both are read directly, not
 * through the gateway, so a gateway defect cannot hide a lost job.
 */
public final class JobLedger {

    private final Infrastructure infrastructure;

    public JobLedger(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    /** How many of the jobs are in each status; ids without a row are counted under "missing". */
    public record Tally(Map<String, Integer> byStatus, int rows, int distinctIds, int asked) {

        public int count(String status) {
            return byStatus.getOrDefault(status, 0);
        }

        public int unfinished() {
            return count("queued") + count("running") + (asked - distinctIds);
        }

        /** Rows beyond one per job (the table's key should make this impossible). */
        public int duplicateRows() {
            return rows - distinctIds;
        }

        @Override
        public String toString() {
            return byStatus + (asked > distinctIds ? ", missing=" + (asked - distinctIds) : "");
        }
    }

    /** Reads the jobs' statuses now. */
    public Tally tally(Collection<String> ids) throws SQLException {
        try (Connection c = DriverManager.getConnection(infrastructure.jdbcUrl(), infrastructure.databaseUser(),
                infrastructure.databasePassword());
                PreparedStatement s = c.prepareStatement("SELECT status, count(*), count(DISTINCT id)"
                        + " FROM gateway.jobs WHERE id = ANY (?::uuid[]) GROUP BY status")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            Map<String, Integer> byStatus = new HashMap<>();
            int rows = 0;
            int distinct = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byStatus.put(rs.getString(1), rs.getInt(2));
                    rows += rs.getInt(2);
                    distinct += rs.getInt(3);
                }
            }
            return new Tally(Map.copyOf(byStatus), rows, distinct, ids.size());
        }
    }

    /** How a set of jobs is stored: its rows, and those that succeeded with their end time set. */
    public record Stored(int rows, int finishedAsSucceeded) {
    }

    /** Reads how the jobs are stored now: once each, as succeeded, means {@code rows == finishedAsSucceeded == n}. */
    public Stored stored(Collection<String> ids) throws SQLException {
        try (Connection c = DriverManager.getConnection(infrastructure.jdbcUrl(), infrastructure.databaseUser(),
                infrastructure.databasePassword());
                PreparedStatement s = c.prepareStatement("SELECT count(*),"
                        + " count(*) FILTER (WHERE status = 'succeeded' AND finished_at IS NOT NULL)"
                        + " FROM gateway.jobs WHERE id = ANY (?::uuid[])")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Stored(rs.getInt(1), rs.getInt(2));
            }
        }
    }

    /**
     * Jobs stored more than once: rows beyond one per idempotency key of the run (keys {@code runId-seq}). A client
     * that sends a job again after its answer was lost must find the job it made, not make a second one.
     */
    public int duplicateSubmissions(String runId) throws SQLException {
        try (Connection c = DriverManager.getConnection(infrastructure.jdbcUrl(), infrastructure.databaseUser(),
                infrastructure.databasePassword());
                PreparedStatement s = c.prepareStatement("SELECT count(*) - count(DISTINCT idempotency_key)"
                        + " FROM gateway.jobs WHERE idempotency_key LIKE ?")) {
            s.setString(1, runId.replace("_", "\\_").replace("%", "\\%") + "-%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Waits until no job is queued or running any more, or the time is up; returns the last reading. While
     * PostgreSQL itself is away the reading is retried.
     */
    public Tally awaitSettled(Collection<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Tally last = null;
        while (true) {
            try {
                last = tally(ids);
                if (last.unfinished() == 0) {
                    return last;
                }
            } catch (SQLException e) {
                // PostgreSQL restarting: read again
            }
            if (System.nanoTime() > deadline) {
                if (last == null) {
                    throw new IllegalStateException("PostgreSQL could not be read within " + timeout);
                }
                return last;
            }
            JobSubmitter.pause(Duration.ofMillis(250));
        }
    }

    /** Jobs that are running now, according to PostgreSQL (0 while it cannot be read). */
    public int running(Collection<String> ids) {
        try {
            return tally(ids).count("running");
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * Jobs among {@code ids} for which the workers reported more than one final outcome on {@code rigpool.results}:
     * a job run to the end twice. Kafka delivers at least once, so this happens when a partition moves to another
     * worker while its job runs (a rebalance, a crash after the result but before the commit); the gateway stores
     * the first outcome only. Reads the topic from the beginning up to its current end.
     */
    public Set<String> jobsReportedTwice(Collection<String> ids, Duration timeout) {
        Set<String> wanted = new HashSet<>(ids);
        Map<String, Integer> terminal = new HashMap<>();
        readResults(timeout, r -> {
            if (r.key() != null && wanted.contains(r.key()) && isTerminal(r.value())) {
                terminal.merge(r.key(), 1, Integer::sum);
            }
        });
        Set<String> twice = new HashSet<>();
        terminal.forEach((id, n) -> {
            if (n > 1) {
                twice.add(id);
            }
        });
        return twice;
    }

    /**
     * Every update the workers published of one job on {@code rigpool.results}, in the order Kafka holds them (one
     * partition per job id), from the beginning of the topic up to its current end.
     */
    public List<JobUpdate> updatesOf(String jobId, Duration timeout) {
        List<JobUpdate> updates = new ArrayList<>();
        readResults(timeout, r -> {
            if (jobId.equals(r.key())) {
                try {
                    updates.add(JobUpdate.parseFrom(r.value()));
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("an update of job " + jobId + " is not a JobUpdate", e);
                }
            }
        });
        return updates;
    }

    /** Hands every record of {@code rigpool.results} to {@code each}, from the beginning up to the current end. */
    private void readResults(Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> config = new HashMap<>(infrastructure.kafkaAdminSettings());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(Topics.RESULTS + " not read to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    private static boolean isTerminal(byte[] value) {
        try {
            JobState state = JobUpdate.parseFrom(value).getState();
            return state == JobState.JOB_STATE_SUCCEEDED || state == JobState.JOB_STATE_FAILED
                    || state == JobState.JOB_STATE_CANCELLED;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
