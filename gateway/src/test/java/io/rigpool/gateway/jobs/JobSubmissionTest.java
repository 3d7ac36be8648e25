package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class JobSubmissionTest {

    static final String MODEL = "gateway-submit-model";

    @Inject
    JobRows rows;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aSubmittedJobIsCommittedThenPublishedToItsModelsTopic() throws Exception {
        ExtractableResponse<Response> accepted = TestApi.user()
                .contentType(ContentType.JSON)
                .body("""
                        {"model": "%s",
                         "messages": [{"role": "system", "content": "Be brief."},
                                      {"role": "user", "content": "Name a colour."}],
                         "max_tokens": 16, "temperature": 0.25, "seed": 42, "top_p": 0.9, "stop": ["\\n"]}
                        """.formatted(MODEL))
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .contentType(ContentType.JSON)
                .body("status", equalTo("queued"))
                .body("model", equalTo(MODEL))
                .body("created_at", notNullValue())
                .extract();
        UUID id = UUID.fromString(accepted.path("id"));
        assertTrue(accepted.header("Location").endsWith("/v1/jobs/" + id), accepted.header("Location"));

        // The 202 came after the commit: the row is there for any other connection to read.
        Map<String, Object> row = rows.find(id);
        assertNotNull(row, "row of job " + id);
        assertEquals(MODEL, row.get("model"));
        assertEquals("queued", row.get("status"));
        assertEquals(16, row.get("max_tokens"));
        assertEquals(42L, row.get("seed"));
        assertTrue(((String) row.get("messages")).contains("Name a colour."), (String) row.get("messages"));
        Instant createdAt = ((Timestamp) row.get("created_at")).toInstant();
        assertEquals(Instant.parse(accepted.path("created_at")), createdAt);

        ConsumerRecord<String, byte[]> record = TestKafka.awaitRecord(Topics.jobs(MODEL), id.toString());
        JobRequest request = JobRequest.parseFrom(record.value());
        assertEquals(id.toString(), request.getJobId());
        assertEquals(MODEL, request.getModel());
        assertEquals(2, request.getMessagesCount());
        assertEquals("system", request.getMessages(0).getRole());
        assertEquals("Name a colour.", request.getMessages(1).getContent());
        assertEquals(16, request.getMaxTokens());
        assertEquals(0.25f, request.getTemperature());
        assertEquals(0.9f, request.getTopP());
        assertTrue(request.getHasSeed());
        assertEquals(42, request.getSeed());
        assertEquals("\n", request.getStop(0));
        assertEquals(createdAt.toEpochMilli(), request.getSubmittedAtMs());

        await("published_at of " + id).atMost(TestKafka.DEADLINE)
                .until(() -> rows.find(id).get("published_at") != null);
    }

    @Test
    void aQueuedJobShowsItsStatusAndNoResultYet() {
        String id = TestApi.user()
                .contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "Hi"}]}""".formatted(MODEL))
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract().path("id");

        TestApi.user().get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("model", equalTo(MODEL))
                .body("status", equalTo("queued"))
                .body("created_at", notNullValue())
                .body("started_at", nullValue())
                .body("$", not(hasKey("result")))
                .body("$", not(hasKey("usage")));
    }

    @Test
    void anUnknownJobIdIsA404WithAJsonError() {
        TestApi.user().get("/v1/jobs/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("not_found_error"));
        TestApi.user().get("/v1/jobs/not-a-job-id")
                .then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.message", endsWith("'not-a-job-id'"));
    }
}
