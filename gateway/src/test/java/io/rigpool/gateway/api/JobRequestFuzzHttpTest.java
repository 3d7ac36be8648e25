package io.rigpool.gateway.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A sample of the fuzz bodies over HTTP, through everything a request passes: no answer is a 5xx, a refused body
 * leaves no row and no Kafka record, and an accepted one leaves exactly one of each. (The checks themselves get
 * many more bodies, directly, in {@link JobRequestFuzzTest}.)
 */
@RigpoolQuarkusTest
class JobRequestFuzzHttpTest {

    static final String MODEL = "gateway-fuzz-model";
    static final int BODIES = 200;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void noBodyGetsA5xxAndOnlyAcceptedOnesAreWritten() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        TestModels.serveWithJobsTopic(MODEL);
        JobRows rows = new JobRows(dataSource);
        long rowsBefore = rows.count();
        long recordsBefore = TestKafka.recordCount(Topics.jobs(MODEL));
        RequestBodies bodies = new RequestBodies(seed, MODEL);
        int accepted = 0;
        for (int i = 0; i < BODIES; i++) {
            String body = bodies.next();
            // Both APIs read bodies alike; the chat endpoint would wait for a worker, so it gets (half) the refused ones.
            Response response = post("/v1/jobs", body);
            int status = response.statusCode();
            if (status >= 500 || (status != 202 && (status < 400 || status > 404))) {
                fail("seed " + seed + ", body #" + i + ": " + JobRequestFuzzTest.abbreviate(body) + " -> " + status
                        + " " + response.asString());
            }
            assertTrue(response.contentType().startsWith("application/json"), response.contentType());
            if (status == 202) {
                accepted++;
            } else if (i % 2 == 0) {
                int chat = post("/v1/chat/completions", body).statusCode();
                assertEquals(status, chat, "seed " + seed + ", body #" + i + ": "
                        + JobRequestFuzzTest.abbreviate(body));
            }
        }
        assertEquals(rowsBefore + accepted, rows.count(), "seed " + seed);
        long expectedRecords = recordsBefore + accepted;
        await("accepted jobs on Kafka").atMost(TestKafka.DEADLINE)
                .until(() -> TestKafka.recordCount(Topics.jobs(MODEL)) >= expectedRecords);
        assertEquals(expectedRecords, TestKafka.recordCount(Topics.jobs(MODEL)), "seed " + seed);
    }

    private static Response post(String path, String body) {
        return TestApi.user().contentType(ContentType.JSON).body(body.getBytes(StandardCharsets.UTF_8)).post(path);
    }
}
