package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.ResultReports;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records on rigpool.results that PostgreSQL would refuse as they come. Each test puts the poison first on a
 * partition and a good result behind it on the same partition: the good one must be stored, so nothing stalls.
 */
@RigpoolQuarkusTest
class PoisonResultsTest {

    static final String MODEL = "gateway-poison-model";

    @Inject
    AgroalDataSource dataSource;

    final ResultReports results = new ResultReports(MODEL);

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aNulInTheTextIsStoredAsAReplacementCharacterAndTheNextResultIsStored() {
        String poisoned = results.submit();
        String behind = results.submit();
        int partition = results.report(null,
                succeeded(poisoned, "Blue\u0000.").setError("x\u0000y").setNodeId("n\u0000ode"));
        results.report(partition, succeeded(behind, "Green."));

        ResultReports.awaitStatus(behind, "succeeded");
        ResultReports.awaitStatus(poisoned, "succeeded");
        TestApi.user().get("/v1/jobs/" + poisoned).then()
                .body("result.text", equalTo("Blue\uFFFD."))
                .body("node_id", equalTo("n\uFFFDode"));
    }

    @Test
    void aTimeNoClockCouldHaveMeantIsReplacedByTheTimeOfReceiptAndNonFiniteTimingsByZero() {
        String farFuture = results.submit();
        String farPast = results.submit();
        String behind = results.submit();
        Instant before = Instant.now();
        int partition = results.report(null, succeeded(farFuture, "a").setAtMs(Long.MAX_VALUE)
                .setTimings(Timings.newBuilder().setDecodeTps(Double.NaN).setDecodeMs(Double.POSITIVE_INFINITY)));
        results.report(partition, succeeded(farPast, "b").setAtMs(Long.MIN_VALUE));
        results.report(partition, succeeded(behind, "c"));

        ResultReports.awaitStatus(behind, "succeeded");
        for (String id : new String[] {farFuture, farPast}) {
            ResultReports.awaitStatus(id, "succeeded");
            Map<String, Object> row = new JobRows(dataSource).find(UUID.fromString(id));
            Instant finished = ((java.sql.Timestamp) row.get("finished_at")).toInstant();
            assertTrue(!finished.isBefore(before.minusSeconds(1)) && finished.isBefore(Instant.now().plusSeconds(1)),
                    "finished_at " + finished + " is the time the gateway received the update");
        }
        String timings = (String) new JobRows(dataSource).find(UUID.fromString(farFuture)).get("timings");
        assertTrue(timings.contains("\"decodeTps\": 0.0") && timings.contains("\"decodeMs\": 0.0"), timings);
    }

    @Test
    void aResultPostgresqlStillRefusesIsDeadLetteredItsJobFailedAndTheNextResultStored() throws SQLException {
        String refused = results.submit();
        String behind = results.submit();
        String refusedText = "refused by " + UUID.randomUUID();
        double deadLetteredBefore = deadLetteredCount();
        // A real refusal by the real database: a check that this one text breaks (NOT VALID: old rows are not
        // checked). Nothing in JobProgress can clean it away, as nothing could clean an unknown cause.
        String constraint = "poison_test_" + Long.toHexString(System.nanoTime());
        execute("ALTER TABLE gateway.jobs ADD CONSTRAINT " + constraint
                + " CHECK (result_text IS DISTINCT FROM '" + refusedText + "') NOT VALID");
        try {
            JobUpdate poison = succeeded(refused, refusedText).setModel(MODEL).setAtMs(System.currentTimeMillis())
                    .build();
            int partition = TestKafka.send(Topics.RESULTS, null, refused, poison.toByteArray()).partition();
            results.report(partition, succeeded(behind, "stored behind the poison"));

            ResultReports.awaitStatus(behind, "succeeded");
            ResultReports.awaitStatus(refused, "failed");
            TestApi.user().get("/v1/jobs/" + refused).then()
                    .body("error", containsString("could not be stored"))
                    .body("error", containsString(constraint));
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement(
                            "SELECT topic, payload, error FROM gateway.dead_letters WHERE job_id = ?")) {
                s.setObject(1, UUID.fromString(refused));
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next(), "the refused update is kept in gateway.dead_letters");
                    assertEquals(Topics.RESULTS, rs.getString("topic"));
                    assertArrayEquals(poison.toByteArray(), rs.getBytes("payload"));
                    assertTrue(rs.getString("error").contains(constraint), rs.getString("error"));
                }
            }
            await("dead-letter metric").atMost(TestKafka.DEADLINE)
                    .until(() -> deadLetteredCount() >= deadLetteredBefore + 1);
        } finally {
            execute("ALTER TABLE gateway.jobs DROP CONSTRAINT " + constraint);
        }
    }

    private double deadLetteredCount() {
        String metrics = io.restassured.RestAssured.get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .extract().asString();
        return metrics.lines().filter(l -> l.startsWith("rigpool_results_dead_lettered_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute(sql);
        }
    }

    private static JobUpdate.Builder succeeded(String id, String text) {
        return JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED).setText(text)
                .setFinishReason("stop");
    }
}
