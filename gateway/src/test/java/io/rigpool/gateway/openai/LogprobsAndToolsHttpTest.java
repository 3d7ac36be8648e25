package io.rigpool.gateway.openai;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.restassured.http.ContentType;
import io.rigpool.gateway.api.ChatRequestFields;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.ToolCall;
import io.rigpool.proto.v1.TopLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * logprobs and tools over HTTP, on both APIs: what the request asks for reaches the worker, what the worker answers
 * (token logprobs in chunks and result, calls of tools in the result) comes back in OpenAI's shapes, sync, streamed
 * and stored; a model whose replicas do not all run on llama-server refuses them with a 400 naming model and field.
 */
@RigpoolQuarkusTest
class LogprobsAndToolsHttpTest {

    static final String MODEL = "gateway-llama-server-model";
    static final String JAVA_LLAMA_MODEL = "gateway-java-llama-model";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]""";

    static TestWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = TestWorker.start(MODEL, LogprobsAndToolsHttpTest::answer);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @BeforeEach
    void serveModels() {
        TestModels.serve(MODEL, List.of("llama-server"));
        TestModels.serve(JAVA_LLAMA_MODEL, List.of("java-llama", "llama-server"));
    }

    /** Plays llama-server's runner: a call of get_weather when tools are offered, else two tokens with logprobs. */
    static void answer(JobRequest request) {
        String id = request.getJobId();
        TestWorker.running(id);
        if (!request.getOptions().getToolsJson().isEmpty()) {
            TestWorker.succeeded(id, "", List.of(), List.of(ToolCall.newBuilder().setId("call-1")
                    .setName("get_weather").setArguments("{\"city\": \"Oslo\"}").build()), "tool_calls");
            return;
        }
        List<TokenLogprob> tokens = List.of(token("Hel", -0.25, request), token("lo", -1.5, request));
        if (!request.getOptions().getLogprobs()) {
            tokens = List.of();
        }
        TestWorker.token(id, 0, "Hel", tokens.isEmpty() ? List.of() : tokens.subList(0, 1), false);
        TestWorker.token(id, 1, "lo", tokens.isEmpty() ? List.of() : tokens.subList(1, 2), true);
        TestWorker.succeeded(id, "Hello", tokens, List.of(), "stop");
    }

    static TokenLogprob token(String text, double logprob, JobRequest request) {
        TokenLogprob.Builder token = TokenLogprob.newBuilder().setToken(text).setLogprob(logprob)
                .setBytes(ByteString.copyFromUtf8(text));
        for (int i = 0; i < request.getOptions().getTopLogprobs(); i++) {
            token.addTopLogprobs(TopLogprob.newBuilder().setToken(i == 0 ? text : "alt" + i)
                    .setLogprob(logprob - i).setBytes(ByteString.copyFromUtf8(i == 0 ? text : "alt" + i)));
        }
        return token.build();
    }

    @Test
    void aSyncAnswerCarriesTheTokensLogprobs() {
        TestApi.user().contentType(ContentType.JSON)
                .body(chat("\"logprobs\": true, \"top_logprobs\": 2"))
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .body("choices[0].message.content", equalTo("Hello"))
                .body("choices[0].logprobs.content.token", contains("Hel", "lo"))
                .body("choices[0].logprobs.content.logprob", contains(-0.25f, -1.5f))
                .body("choices[0].logprobs.content[0].bytes", contains(72, 101, 108))
                .body("choices[0].logprobs.content[1].top_logprobs.token", contains("lo", "alt1"))
                .body("choices[0].logprobs.content[1].top_logprobs.logprob", contains(-1.5f, -2.5f));
    }

    @Test
    void aStreamedAnswerCarriesEachChunksLogprobs() throws Exception {
        String events = TestApi.user().contentType(ContentType.JSON)
                .body(chat("\"logprobs\": true, \"stream\": true"))
                .post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();

        List<String> tokens = new ArrayList<>();
        for (String line : events.lines().filter(l -> l.startsWith("data: {")).toList()) {
            JsonNode logprobs = JSON.readTree(line.substring("data: ".length())).at("/choices/0/logprobs/content");
            logprobs.forEach(token -> {
                tokens.add(token.get("token").asText());
                assertTrue(token.get("logprob").asDouble() <= 0, token.toString());
            });
        }
        assertEquals(List.of("Hel", "lo"), tokens, events);
    }

    @Test
    void aForcedCallComesBackAsToolCallsAndTheToolsAnswerGoesToTheModel() {
        TestApi.user().contentType(ContentType.JSON)
                .body(chat("\"tools\": " + TOOLS + ", \"tool_choice\": {\"type\": \"function\", \"function\":"
                        + " {\"name\": \"get_weather\"}}"))
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("tool_calls"))
                .body("choices[0].message.content", nullValue())
                .body("choices[0].message.tool_calls[0].id", equalTo("call-1"))
                .body("choices[0].message.tool_calls[0].type", equalTo("function"))
                .body("choices[0].message.tool_calls[0].function.name", equalTo("get_weather"))
                .body("choices[0].message.tool_calls[0].function.arguments", equalTo("{\"city\": \"Oslo\"}"));
        JobRequest forced = lastReceived();
        assertEquals("function", forced.getOptions().getToolChoice());
        assertEquals("get_weather", forced.getOptions().getToolChoiceFunction());
        assertTrue(forced.getOptions().getToolsJson().contains("\"get_weather\""), forced.toString());

        TestApi.user().contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "tools": %s, "messages": [
                          {"role": "user", "content": "Weather in Oslo?"},
                          {"role": "assistant", "content": null, "tool_calls": [{"id": "call-1", "type": "function",
                            "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]},
                          {"role": "tool", "tool_call_id": "call-1", "content": "21 degrees"}]}
                        """.formatted(MODEL, TOOLS))
                .post("/v1/chat/completions")
                .then().statusCode(200);
        JobRequest followUp = lastReceived();
        assertEquals("get_weather", followUp.getMessages(1).getToolCalls(0).getName());
        assertEquals("{\"city\": \"Oslo\"}", followUp.getMessages(1).getToolCalls(0).getArguments());
        assertEquals("tool", followUp.getMessages(2).getRole());
        assertEquals("call-1", followUp.getMessages(2).getToolCallId());
        assertEquals("21 degrees", followUp.getMessages(2).getContent());
    }

    @Test
    void aStreamedCallComesAsOneToolCallsDelta() throws Exception {
        String events = TestApi.user().contentType(ContentType.JSON)
                .body(chat("\"stream\": true, \"tools\": " + TOOLS + ", \"tool_choice\": \"required\""))
                .post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();

        List<JsonNode> chunks = new ArrayList<>();
        for (String line : events.lines().filter(l -> l.startsWith("data: {")).toList()) {
            chunks.add(JSON.readTree(line.substring("data: ".length())));
        }
        JsonNode call = chunks.stream().map(c -> c.at("/choices/0/delta/tool_calls/0")).filter(JsonNode::isObject)
                .findFirst().orElseThrow(() -> new AssertionError(events));
        assertEquals(0, call.get("index").asInt());
        assertEquals("call-1", call.get("id").asText());
        assertEquals("get_weather", call.at("/function/name").asText());
        assertEquals("tool_calls", chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText(), events);
    }

    @Test
    void theJobsApiTakesTheSameFieldsAndStoresTheAnswersLogprobsAndCalls() {
        String logprobsJob = submit(chat("\"logprobs\": true, \"top_logprobs\": 1"));
        await().atMost(DEADLINE).untilAsserted(() -> TestApi.user().get("/v1/jobs/" + logprobsJob).then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("options.logprobs", equalTo(true))
                .body("options.top_logprobs", equalTo(1))
                .body("result.logprobs.content.token", contains("Hel", "lo"))
                .body("result.logprobs.content[0].top_logprobs.token", contains("Hel")));

        String toolsJob = submit(chat("\"tools\": " + TOOLS + ", \"tool_choice\": \"required\""));
        await().atMost(DEADLINE).untilAsserted(() -> TestApi.user().get("/v1/jobs/" + toolsJob).then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("options.tools[0].function.name", equalTo("get_weather"))
                .body("options.tool_choice", equalTo("required"))
                .body("result.finish_reason", equalTo("tool_calls"))
                .body("result.tool_calls[0].function.name", equalTo("get_weather"))
                .body("result.tool_calls[0].function.arguments", equalTo("{\"city\": \"Oslo\"}")));
    }

    @Test
    void aModelWithAJavaLlamaReplicaRefusesLogprobsAndToolsNamingModelAndField() {
        String user = "{\"role\": \"user\", \"content\": \"Hi\"}";
        java.util.Map<String, String> bodies = java.util.Map.of(
                "logprobs", "{\"model\": \"%s\", \"messages\": [%s], \"logprobs\": true}",
                "tools", "{\"model\": \"%s\", \"messages\": [%s], \"tools\": " + TOOLS + "}",
                "messages", "{\"model\": \"%s\", \"messages\": [%s, {\"role\": \"tool\", \"tool_call_id\":"
                        + " \"c\", \"content\": \"1\"}]}");
        for (String path : List.of("/v1/chat/completions", "/v1/jobs")) {
            bodies.forEach((field, body) -> TestApi.user().contentType(ContentType.JSON)
                    .body(body.formatted(JAVA_LLAMA_MODEL, user)).post(path).then()
                    .statusCode(400)
                    .body("error.param", equalTo(field))
                    .body("error.code", equalTo(ChatRequestFields.UNSUPPORTED))
                    .body("error.message", containsString("model '" + JAVA_LLAMA_MODEL + "'"))
                    .body("error.message", containsString("[java-llama, llama-server]")));
        }
    }

    @Test
    void topLogprobsOutsideZeroToTwentyIsA400NamingIt() {
        for (String value : List.of("21", "-1", "2.5")) {
            TestApi.user().contentType(ContentType.JSON)
                    .body(chat("\"logprobs\": true, \"top_logprobs\": " + value))
                    .post("/v1/chat/completions")
                    .then().statusCode(400)
                    .body("error.param", equalTo("top_logprobs"));
        }
    }

    @Test
    void theModelListSaysPerModelWhetherItsEnginesDoLogprobsAndTools() {
        TestApi.user().get("/v1/models/" + MODEL).then().statusCode(200)
                .body("capabilities.logprobs", equalTo(true))
                .body("capabilities.tools", equalTo(true))
                .body("capabilities.engines", contains("llama-server"));
        TestApi.user().get("/v1/models/" + JAVA_LLAMA_MODEL).then().statusCode(200)
                .body("capabilities.logprobs", equalTo(false))
                .body("capabilities.tools", equalTo(false))
                .body("capabilities.engines", contains("java-llama", "llama-server"));
    }

    private static String chat(String extra) {
        return "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"}], "
                + extra + "}";
    }

    private static String submit(String body) {
        return TestApi.user().contentType(ContentType.JSON).body(body).post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static JobRequest lastReceived() {
        return worker.received().get(worker.received().size() - 1);
    }
}
