package io.rigpool.gateway.openai;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.rigpool.gateway.api.ChatRequestFields;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.ResponseFormat;
import io.rigpool.gateway.jobs.store.JobRepository;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Penalties, logit bias and response formats over HTTP: what a job asks for reaches the worker's JobRequest and is
 * shown with the stored job; what rigpool cannot honour is a 400 in OpenAI's error shape naming the field.
 */
@RigpoolQuarkusTest
class GenerationOptionsHttpTest {

    static final String MODEL = "gateway-options-model";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    static TestWorker worker;

    @Inject
    JobRepository jobs;

    @BeforeAll
    static void startWorker() {
        worker = TestWorker.start(MODEL, TestWorker.answering(List.of("{", "}")));
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aJobsOptionsReachTheWorkerAndAreStoredWithTheJob() {
        String id = TestApi.user().contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "JSON please"}],
                         "presence_penalty": 0.5, "frequency_penalty": -0.5, "repeat_penalty": 1.1,
                         "logit_bias": {"42": -100, "7": 3.5},
                         "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "strict": true,
                           "schema": {"type": "object", "description": "an answer",
                                      "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}}}
                        """.formatted(MODEL))
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");

        JobRequest received = await().atMost(DEADLINE).until(() -> worker.received().stream()
                .filter(request -> request.getJobId().equals(id)).findFirst().orElse(null), r -> r != null);
        assertEquals(0.5f, received.getOptions().getPresencePenalty());
        assertEquals(-0.5f, received.getOptions().getFrequencyPenalty());
        assertEquals(1.1f, received.getOptions().getRepeatPenalty());
        assertEquals(Map.of(42, -100f, 7, 3.5f), received.getOptions().getLogitBiasMap());
        assertEquals("{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}",
                received.getOptions().getJsonSchema(), "the schema as enforced, without its annotations");

        await().atMost(DEADLINE).untilAsserted(() -> TestApi.user().get("/v1/jobs/" + id).then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("options.presence_penalty", equalTo(0.5f))
                .body("options.frequency_penalty", equalTo(-0.5f))
                .body("options.repeat_penalty", equalTo(1.1f))
                .body("options.logit_bias.42", equalTo(-100.0f))
                .body("options.response_format.type", equalTo("json_schema"))
                .body("options.response_format.json_schema.name", equalTo("answer"))
                .body("options.response_format.json_schema.strict", equalTo(true))
                .body("options.response_format.json_schema.schema.description", equalTo("an answer")));
    }

    @Test
    void aRepeatWithItsIdempotencyKeyIsTheSameJobAndTheStoredRowReadsBackAsSent() {
        String body = """
                {"model": "%s", "messages": [{"role": "user", "content": "again"}], "frequency_penalty": 1.5,
                 "logit_bias": {"3": 12.25}, "response_format": {"type": "json_object"}}""".formatted(MODEL);
        String key = "options-" + UUID.randomUUID();
        String first = TestApi.user().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        // The repeat compares the stored job's spec, options included, with the new request's.
        String again = TestApi.user().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/v1/jobs").then().statusCode(202).header("Idempotent-Replayed", "true").extract().path("id");
        assertEquals(first, again);

        // The sweeper republishes from the stored row: its JSON column must read back as written.
        GenerationOptions stored = jobs.findJob(UUID.fromString(first)).orElseThrow().spec().options();
        assertEquals(new GenerationOptions(0, 1.5, null, Map.of(3, 12.25), ResponseFormat.JSON_OBJECT), stored);
    }

    @Test
    void aSchemaKeywordTheGrammarCannotEnforceIsA400NamingIt() {
        TestApi.user().contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "JSON please"}],
                         "response_format": {"type": "json_schema", "json_schema": {"name": "a",
                           "schema": {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}}}}
                        """.formatted(MODEL))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("response_format.json_schema.schema.properties.zip.pattern"))
                .body("error.code", equalTo("unsupported_schema_keyword"));
    }

    @Test
    void logprobsAndToolsAreRefusedByNameOnBothApisForAModelWithNoEngineThatDoesThem() {
        for (String path : List.of("/v1/chat/completions", "/v1/jobs")) {
            TestApi.user().contentType(ContentType.JSON)
                    .body("""
                            {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true}
                            """.formatted(MODEL))
                    .post(path)
                    .then()
                    .statusCode(400)
                    .body("error.param", equalTo("logprobs"))
                    .body("error.code", equalTo(ChatRequestFields.UNSUPPORTED));
            TestApi.user().contentType(ContentType.JSON)
                    .body("""
                            {"model": "%s", "messages": [{"role": "user", "content": "Hi"}],
                             "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}
                            """.formatted(MODEL))
                    .post(path)
                    .then()
                    .statusCode(400)
                    .body("error.param", equalTo("tools"))
                    .body("error.message", equalTo("tools is not supported for model '" + MODEL + "': it cannot"
                            + " call tools on rigpool, because no replica of it is placed yet, so no engine can be"
                            + " promised; GET /v1/models says what each model supports"));
        }
    }

    @Test
    void theModelListSaysWhatEachModelSupports() {
        TestApi.user().get("/v1/models/" + MODEL).then()
                .statusCode(200)
                .body("capabilities.response_format", hasItems("text", "json_object", "json_schema"))
                .body("capabilities.logit_bias", equalTo(true))
                .body("capabilities.presence_penalty", equalTo(true))
                .body("capabilities.logprobs", equalTo(false))
                .body("capabilities.tools", equalTo(false));
    }
}
