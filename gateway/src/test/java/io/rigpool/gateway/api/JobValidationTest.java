package io.rigpool.gateway.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.JobRows;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Refused requests get a JSON error naming the field, and leave no row and no Kafka record behind. */
@RigpoolQuarkusTest
class JobValidationTest {

    /** No request to this model is ever accepted, so its topic must stay empty. */
    static final String MODEL = "gateway-validation-model";
    static final String USER_HI = "{\"role\": \"user\", \"content\": \"Hi\"}";

    @TestHTTPResource("/v1/jobs")
    URI jobsUri;

    @Inject
    JobRows rows;

    @BeforeEach
    void serveModel() {
        TestModels.serveWithJobsTopic(MODEL);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("empty messages", body("\"messages\": []"), "messages"),
                Arguments.of("no messages", "{\"model\": \"" + MODEL + "\"}", "messages"),
                Arguments.of("messages not a list", body("\"messages\": \"Hi\""), "messages"),
                Arguments.of("negative max_tokens", body("\"messages\": [" + USER_HI + "], \"max_tokens\": -5"),
                        "max_tokens"),
                Arguments.of("zero max_tokens", body("\"messages\": [" + USER_HI + "], \"max_tokens\": 0"),
                        "max_tokens"),
                Arguments.of("max_tokens above the limit",
                        body("\"messages\": [" + USER_HI + "], \"max_tokens\": 4097"), "max_tokens"),
                Arguments.of("max_tokens as a string",
                        body("\"messages\": [" + USER_HI + "], \"max_tokens\": \"ten\""), "max_tokens"),
                Arguments.of("content not a string",
                        body("\"messages\": [{\"role\": \"user\", \"content\": 5}]"), "messages[0].content"),
                Arguments.of("unknown role",
                        body("\"messages\": [" + USER_HI + ", {\"role\": \"robot\", \"content\": \"x\"}]"),
                        "messages[1].role"),
                Arguments.of("temperature above 2",
                        body("\"messages\": [" + USER_HI + "], \"temperature\": 2.5"), "temperature"),
                Arguments.of("top_p of 0", body("\"messages\": [" + USER_HI + "], \"top_p\": 0"), "top_p"),
                Arguments.of("model not a string", "{\"model\": 7, \"messages\": [" + USER_HI + "]}", "model"),
                Arguments.of("invalid JSON inside a message",
                        body("\"messages\": [{\"role\": \"user\", \"content\": Hi}]"), "messages[0].content"),
                Arguments.of("a prompt longer than the model's context (2048 tokens)",
                        body("\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(2500)
                                + "\"}]"), "messages"),
                Arguments.of("an image part", body("\"messages\": [{\"role\": \"user\", \"content\": [{\"type\":"
                        + " \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]"), "messages[0].content[0].type"),
                Arguments.of("not JSON at all", "model=x&messages=hi", null),
                Arguments.of("a JSON array", "[" + USER_HI + "]", null),
                Arguments.of("an empty body", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsA400NamingTheFieldAndWritesNothing(String description, String body, String field) {
        long rowsBefore = rows.count();
        long recordsBefore = TestKafka.recordCount(Topics.jobs(MODEL));

        TestApi.user().contentType(ContentType.JSON)
                .body(body)
                .post("/v1/jobs")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.field", field == null ? nullValue() : equalTo(field));

        assertEquals(rowsBefore, rows.count(), "rows after: " + description);
        assertEquals(recordsBefore, TestKafka.recordCount(Topics.jobs(MODEL)), "records after: " + description);
    }

    @Test
    void anUnknownModelIsA404NamingTheModelAndWritesNothing() {
        long rowsBefore = rows.count();

        TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"no-such-model\", \"messages\": [" + USER_HI + "]}")
                .post("/v1/jobs")
                .then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("model_not_found"))
                .body("error.field", equalTo("model"))
                .body("error.message", containsString("'no-such-model'"));

        assertEquals(rowsBefore, rows.count());
        assertFalse(TestKafka.topics().contains(Topics.jobs("no-such-model")));
    }

    @Test
    void aWrongMediaTypeIsAJsonError() {
        TestApi.user().contentType(ContentType.TEXT)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [" + USER_HI + "]}")
                .post("/v1/jobs")
                .then()
                .statusCode(415)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("unsupported_media_type"));
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedBeforeItIsRead() throws Exception {
        String huge = "x".repeat(2 * 1024 * 1024);
        long rowsBefore = rows.count();
        // Expect: 100-continue lets the server refuse on the declared length, so the client is not cut off while
        // still sending two megabytes.
        HttpRequest request = HttpRequest.newBuilder(jobsUri)
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + MODEL
                        + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + huge + "\"}]}"))
                .build();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(413, response.statusCode());
        assertEquals(rowsBefore, rows.count());
    }

    private static String body(String fields) {
        return "{\"model\": \"" + MODEL + "\", " + fields + "}";
    }
}
