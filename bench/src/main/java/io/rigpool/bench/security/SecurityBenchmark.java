package io.rigpool.bench.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.common.files.Directories;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.Infrastructure;
import io.rigpool.infra.KafkaAccessCheck;
import io.rigpool.infra.KafkaRole;
import io.rigpool.infra.KafkaSecurity;
import io.rigpool.local.LocalStack;
import io.rigpool.local.StackOptions;
import io.rigpool.local.reliability.JobLedger;
import io.rigpool.local.reliability.JobSubmitter;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The hardening checks against a running local stack (secured broker, real services), recorded in
 * {@code bench/results/security.json}:
 * <ol>
 * <li>poison results: the records that stopped result storage before (SUCCEEDED updates holding U+0000, times
 * PostgreSQL cannot store, NaN timings), written straight to {@code rigpool.results}, then jobs submitted after
 * them must all finish: stalls counted;</li>
 * <li>a fuzz of {@code rigpool.results} (random and limit values, bytes that are no JobUpdate), then jobs that must
 * still finish;</li>
 * <li>a fuzz of the submission endpoints' bodies: never a 5xx;</li>
 * <li>the Kafka ACL matrix: each role, a wrong password and no credentials, writing and reading each topic.</li>
 * </ol>
 * {@code bench/run security}; about four minutes.
 */
public final class SecurityBenchmark {

    private static final int POISON_RECORDS = 64;
    private static final int JOBS_AFTER = 30;
    private static final Duration JOBS_DEADLINE = Duration.ofMinutes(3);
    private static final int RESULT_FUZZ_RECORDS = 2_000;
    private static final int REST_FUZZ_BODIES = 2_000;
    private static final long SEED = 20261206L;

    private SecurityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("rigpool.home", ".")).toAbsolutePath();
        Path data = Files.createTempDirectory("rigpool-security");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("measured_at", Instant.now().toString());
        try (LocalStack stack = new LocalStack(StackOptions.forTest(data, 1)).start()) {
            String model = stack.awaitModels(Duration.ofMinutes(3)).get(0);
            Infrastructure infra = stack.infrastructure();
            results.put("poison_results", poison(stack, infra, model));
            Map<String, Object> records = ResultRecordFuzz.run(adminProducer(infra), model, RESULT_FUZZ_RECORDS,
                    SEED);
            records.putAll(jobsFlow(stack, infra, model, 10));
            records.put("dead_lettered", deadLetters(infra));
            results.put("result_record_fuzz", records);
            results.put("request_body_fuzz", new RequestBodyFuzz(stack.gatewayUrl(), model).run(REST_FUZZ_BODIES,
                    SEED));
            results.put("kafka_acl_matrix", aclMatrix(infra, model));
        } finally {
            Directories.deleteRecursively(data);
        }
        // The two checks that run inside the test suite record their own files; they are gathered here so that one
        // file shows every hardening figure.
        results.put("planner_stream_fuzz", recorded(home.resolve("bench/results/security-fuzz.json")));
        results.put("deployment_checks", recorded(home.resolve("bench/results/deployment-checks.json")));
        results.put("kafka_tls", recorded(home.resolve("bench/results/kafka-tls.json")));
        Path out = home.resolve("bench/results/security.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(results));
        System.out.println("written to " + out);
        System.exit(0);
    }

    private static Map<String, Object> adminProducer(Infrastructure infra) {
        Map<String, Object> settings = new HashMap<>(infra.kafkaAdminSettings());
        settings.put("bootstrap.servers", infra.kafkaBootstrapServers());
        return settings;
    }

    private static Map<String, Object> poison(LocalStack stack, Infrastructure infra, String model)
            throws Exception {
        int sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(adminProducer(infra), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < POISON_RECORDS; i++) {
                String id = UUID.randomUUID().toString();
                JobUpdate.Builder update = JobUpdate.newBuilder().setJobId(id).setModel(model)
                        .setState(JobState.JOB_STATE_SUCCEEDED).setNodeId("forger").setText("poison\u0000" + i);
                switch (i % 4) {
                    case 1 -> update.setAtMs(Long.MAX_VALUE);
                    case 2 -> update.setAtMs(Long.MIN_VALUE);
                    case 3 -> update.setTimings(Timings.newBuilder().setDecodeTps(Double.NaN));
                    default -> update.setAtMs(System.currentTimeMillis());
                }
                producer.send(new ProducerRecord<>(Topics.RESULTS, id, update.build().toByteArray()))
                        .get(30, TimeUnit.SECONDS);
                sent++;
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("poison_records_sent", sent);
        row.put("kinds", List.of("text with U+0000", "at_ms Long.MAX_VALUE", "at_ms Long.MIN_VALUE",
                "NaN decode_tps"));
        row.putAll(jobsFlow(stack, infra, model, JOBS_AFTER));
        row.put("dead_lettered", deadLetters(infra));
        return row;
    }

    /** Submits jobs after whatever was sent and counts those stored as succeeded within the deadline. */
    private static Map<String, Object> jobsFlow(LocalStack stack, Infrastructure infra, String model, int jobs)
            throws Exception {
        JobSubmitter submitter = new JobSubmitter(stack.gatewayUrl(), model, 8, "security-" + UUID.randomUUID());
        List<String> ids = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            ids.add(submitter.submit(i, Duration.ofMinutes(1)));
        }
        JobLedger ledger = new JobLedger(infra);
        long deadline = began + JOBS_DEADLINE.toNanos();
        JobLedger.Tally tally = ledger.tally(ids);
        while (tally.count("succeeded") < jobs && System.nanoTime() < deadline) {
            Thread.sleep(250); // polling the database for a benchmark's figure, not synchronising a test
            tally = ledger.tally(ids);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("jobs_submitted_after", jobs);
        row.put("jobs_succeeded", tally.count("succeeded"));
        row.put("jobs_stalled", jobs - tally.count("succeeded"));
        row.put("seconds_until_all_stored", Math.round((System.nanoTime() - began) / 1e7) / 100.0);
        return row;
    }

    private static Object recorded(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of("missing", file.getFileName().toString() + " (see bench/README.md, \"security\")");
        }
        return new ObjectMapper().readTree(file.toFile());
    }

    private static long deadLetters(Infrastructure infra) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                infra.databasePassword()); ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM gateway.dead_letters")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Map<String, Object>> aclMatrix(Infrastructure infra, String model) {
        KafkaAccessCheck check = new KafkaAccessCheck(infra.kafkaBootstrapServers());
        List<String> topics = List.of(Topics.jobs(model), Topics.CONTROL, Topics.RESULTS, Topics.TOKENS,
                Topics.MODELS);
        List<KafkaAccessCheck.Cell> cells = new ArrayList<>();
        for (KafkaRole role : KafkaRole.values()) {
            cells.addAll(check.matrix(role.defaultUser(), infra.kafkaClientSettings(role), topics));
        }
        cells.addAll(check.matrix("wrong password", KafkaSecurity.generate().clientSettings(KafkaRole.WORKER.defaultUser(),
                "not-the-password"), topics));
        cells.addAll(check.matrix("no credentials", Map.of(), topics));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (KafkaAccessCheck.Cell cell : cells) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("principal", cell.client());
            row.put("topic", cell.topic());
            row.put("operation", cell.operation());
            row.put("outcome", cell.allowed() ? "allowed" : "refused");
            row.put("answer", cell.answer());
            rows.add(row);
        }
        return rows;
    }
}
