package io.rigpool.gateway.jobs;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class IdempotencyTest {

    static final String MODEL = "gateway-idempotency-model";
    static final String BODY = """
            {"model": "%s", "messages": [{"role": "user", "content": "Say it once."}], "max_tokens": 4}"""
            .formatted(MODEL);

    @Inject
    JobRows rows;

    @BeforeEach
    void serveModel() {
        TestModels.serveWithJobsTopic(MODEL);
    }

    @Test
    void aRepeatedKeyAnswersWithTheSameJobAndStoresAndPublishesItOnce() {
        String key = "order-" + UUID.randomUUID();
        long rowsBefore = rows.count();

        Response first = submit(TestApi.user(), key, BODY);
        Response repeat = submit(TestApi.user(), key, BODY);

        assertEquals(202, first.statusCode());
        assertEquals(202, repeat.statusCode());
        String id = first.path("id");
        assertEquals(id, repeat.path("id"));
        assertEquals("true", repeat.header("Idempotent-Replayed"));
        assertEquals(rowsBefore + 1, rows.count());
        TestKafka.awaitRecord(Topics.jobs(MODEL), id);
        assertEquals(1, TestKafka.recordsWithKey(Topics.jobs(MODEL), id));
    }

    @Test
    void concurrentRepeatsStillMakeOneJob() throws Exception {
        String key = "race-" + UUID.randomUUID();
        long rowsBefore = rows.count();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> attempts = java.util.Collections.nCopies(16,
                    () -> submit(TestApi.user(), key, BODY).then().statusCode(202).extract().path("id"));
            List<String> ids = clients.invokeAll(attempts).stream().map(IdempotencyTest::get).distinct().toList();
            assertEquals(1, ids.size(), ids.toString());
        } finally {
            clients.shutdownNow();
        }
        assertEquals(rowsBefore + 1, rows.count());
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefusedAndWritesNothing() {
        String key = "reused-" + UUID.randomUUID();
        submit(TestApi.user(), key, BODY).then().statusCode(202);
        long rowsBefore = rows.count();

        submit(TestApi.user(), key, BODY.replace("Say it once.", "Say something else."))
                .then()
                .statusCode(422)
                .body("error.param", equalTo("Idempotency-Key"))
                .body("error.code", equalTo("idempotency_key_reused"));

        assertEquals(rowsBefore, rows.count());
    }

    @Test
    void keysAreKeptApartPerApiKey() {
        String key = "shared-" + UUID.randomUUID();
        String mine = submit(TestApi.user(), key, BODY).then().statusCode(202).extract().path("id");
        String theirs = submit(TestApi.as(TestApi.newUserKey("other client")), key, BODY)
                .then().statusCode(202).extract().path("id");

        assertNotEquals(mine, theirs);
    }

    @Test
    void aMalformedKeyIsRefused() {
        submit(TestApi.user(), "has spaces", BODY)
                .then()
                .statusCode(400)
                .body("error.param", equalTo("Idempotency-Key"));
    }

    private static Response submit(RequestSpecification as, String key, String body) {
        return as.contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/v1/jobs");
    }

    private static String get(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
