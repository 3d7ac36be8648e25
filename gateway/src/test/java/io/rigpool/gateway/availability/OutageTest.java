package io.rigpool.gateway.availability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.Infrastructure;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.infra.SharedInfrastructure;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real outages: the shared Kafka broker and PostgreSQL server are stopped and started again (same port, same data).
 * While one is down a submission is refused with 503 and Retry-After at once, and writes nothing; jobs accepted just
 * before the gateway noticed are not lost. Every test brings its server back and waits for the gateway to recover,
 * as the other test classes share these servers.
 */
@RigpoolQuarkusTest
class OutageTest {

    static final String MODEL = "gateway-outage-model";
    /** A refusal must be this fast: no waiting on the dead server. */
    static final Duration QUICK = Duration.ofSeconds(2);
    static final Duration OUTAGE_DEADLINE = Duration.ofSeconds(90);

    @Inject
    JobRows rows;
    String key;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
        // Known to the key cache before the outage, as a working client's key would be.
        key = TestApi.newUserKey("outage test");
        submit().then().statusCode(202);
    }

    @Test
    void whileKafkaIsDownSubmissionsAreRefusedQuicklyAndNoAcceptedJobIsLost() {
        Infrastructure infra = SharedInfrastructure.get();
        long rowsBefore = rows.count();
        List<String> accepted = new ArrayList<>();
        infra.stopKafka();
        try {
            awaitRefusals(accepted);
            assertRefusedQuickly("/v1/jobs");
            assertRefusedQuickly("/v1/chat/completions");
            assertEquals(rowsBefore + accepted.size(), rows.count(), "only accepted jobs have rows");
        } finally {
            infra.startKafka();
            awaitRecovery();
        }
        for (String id : accepted) {
            await("job " + id + " accepted during the outage reaches Kafka").atMost(OUTAGE_DEADLINE)
                    .until(() -> rows.find(UUID.fromString(id)).get("published_at") != null);
        }
    }

    @Test
    void whilePostgresIsDownSubmissionsAreRefusedQuicklyAndWriteNothing() {
        Infrastructure infra = SharedInfrastructure.get();
        long rowsBefore = rows.count();
        List<String> accepted = new ArrayList<>();
        infra.stopPostgres();
        try {
            awaitRefusals(accepted);
            assertRefusedQuickly("/v1/jobs");
            assertRefusedQuickly("/v1/chat/completions");
            // A key the cache does not know cannot be checked: "try again", not "wrong key".
            Response unchecked = TestApi.as("rp-not-in-the-cache-" + UUID.randomUUID()).get("/v1/models");
            assertEquals(503, unchecked.statusCode(), unchecked.asString());
            assertEquals("the gateway cannot check API keys right now", unchecked.path("error.message"));
        } finally {
            infra.startPostgres();
            awaitRecovery();
        }
        assertEquals(rowsBefore + accepted.size() + 1, rows.count(), "only accepted jobs have rows");
        for (String id : accepted) {
            assertNotNull(rows.find(UUID.fromString(id)), "accepted job " + id);
        }
    }

    /** Submits until the gateway has noticed the outage; remembers what it accepted before that. */
    private void awaitRefusals(List<String> accepted) {
        await("submissions refused").atMost(OUTAGE_DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response response = submit();
            if (response.statusCode() == 202) {
                accepted.add(response.path("id"));
            }
            return response.statusCode() == 503;
        });
    }

    private void assertRefusedQuickly(String path) {
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            Response response = TestApi.as(key).contentType(ContentType.JSON).body(body()).post(path);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(503, response.statusCode(), response.asString());
            assertEquals("service_unavailable_error", response.path("error.type"));
            assertTrue(Integer.parseInt(response.header("Retry-After")) >= 1);
            assertTrue(took.compareTo(QUICK) < 0, path + " took " + took);
        }
    }

    /** After the restart the gateway takes jobs again: it noticed, and its clients reconnected. */
    private void awaitRecovery() {
        await("the gateway takes jobs again").atMost(OUTAGE_DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> submit().statusCode() == 202);
        await("the gateway is ready again").atMost(OUTAGE_DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> io.restassured.RestAssured.given().get(ManagementInterface.url("/q/health/ready"))
                        .statusCode() == 200);
    }

    private Response submit() {
        return TestApi.as(key).contentType(ContentType.JSON).body(body()).post("/v1/jobs");
    }

    private static String body() {
        return "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}";
    }
}
