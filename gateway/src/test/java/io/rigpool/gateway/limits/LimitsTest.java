package io.rigpool.gateway.limits;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A key's own limits: submissions per second and unfinished jobs at once, each refused with 429 and Retry-After. */
@RigpoolQuarkusTest
class LimitsTest {

    static final String MODEL = "gateway-limits-model";

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aKeyOverItsRateIsToldWhenToComeBack() {
        String key = TestApi.newKey(Map.of("name", "slow client", "rate_per_second", 0.2, "burst", 2))
                .getString("key");
        submit(key).then().statusCode(202);
        submit(key).then().statusCode(202);
        long rowsBefore = new JobRows(dataSource).count();

        Response refused = submit(key);

        refused.then()
                .statusCode(429)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"));
        // One submission every five seconds: the next token is at most five seconds away.
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        assertEquals(rowsBefore, new JobRows(dataSource).count());
    }

    @Test
    void aKeyWithTooManyUnfinishedJobsWaitsForOneToFinish() {
        String key = TestApi.newKey(Map.of("name", "busy client", "max_concurrent_jobs", 2)).getString("key");
        String first = submit(key).then().statusCode(202).extract().path("id");
        submit(key).then().statusCode(202);

        submit(key).then()
                .statusCode(429)
                .header("Retry-After", "1")
                .body("error.code", equalTo("too_many_concurrent_jobs"));

        TestWorker.succeeded(first, "done", 1, 1, "stop");
        Awaitility.await("a slot is free again").atMost(TestKafka.DEADLINE)
                .until(() -> submit(key).statusCode() == 202);
    }

    @Test
    void maxTokensAboveTheLimitAndOversizedBodiesAreRefused() {
        TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                        + " \"max_tokens\": 4097}")
                .post("/v1/chat/completions")
                .then().statusCode(400).body("error.param", equalTo("max_tokens"));
        TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \""
                        + "x".repeat(2 * 1024 * 1024) + "\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(413);
    }

    private static Response submit(String key) {
        return TestApi.as(key).contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs");
    }
}
