package io.rigpool.gateway.openai;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobControl;
import io.rigpool.proto.v1.JobRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible endpoint on the wire: the exact JSON and event-stream formats, failures and hang-ups. */
@RigpoolQuarkusTest
class ChatCompletionsTest {

    static final String MODEL = "gateway-chat-model";
    static final ObjectMapper JSON = new ObjectMapper();
    /** What the test worker does with a job, by the last user message. */
    static final Map<String, Consumer<JobRequest>> SCRIPTS = new ConcurrentHashMap<>();

    static TestWorker worker;

    @TestHTTPResource("/v1/chat/completions")
    URI chatUri;

    @BeforeAll
    static void startWorker() {
        SCRIPTS.put("greet", TestWorker.answering(List.of("Hel", "lo", "!")));
        // The final result overtakes the tokens: only the first one is ever streamed.
        SCRIPTS.put("hurry", request -> {
            TestWorker.running(request.getJobId());
            TestWorker.token(request.getJobId(), 0, "One", false);
            TestWorker.succeeded(request.getJobId(), "One two three", 4, 3, "length");
        });
        SCRIPTS.put("fail", request -> {
            TestWorker.running(request.getJobId());
            TestWorker.failed(request.getJobId(), "runner crashed");
        });
        // Starts and never finishes, like a long generation.
        SCRIPTS.put("hang", request -> TestWorker.running(request.getJobId()));
        worker = TestWorker.start(MODEL, request -> {
            String said = request.getMessages(request.getMessagesCount() - 1).getContent();
            SCRIPTS.getOrDefault(said, r -> { }).accept(request);
        });
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
    void aCompletionHasOpenAisShape() {
        TestApi.user().contentType(ContentType.JSON)
                .body(body("greet", "\"max_tokens\": 8"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("id", startsWith("chatcmpl-"))
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo(MODEL))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", equalTo("Hello!"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("choices[0].logprobs", nullValue())
                .body("usage.prompt_tokens", equalTo(5))
                .body("usage.completion_tokens", equalTo(3))
                .body("usage.total_tokens", equalTo(8));

        JobRequest request = lastRequest("greet");
        assertEquals(8, request.getMaxTokens());
        assertFalse(request.getStream());
    }

    @Test
    void aJobOfTheJobsApiAsksForItsTokensWhateverItsStreamFieldSays() {
        // Anyone may follow such a job at /v1/jobs/{id}/events, while a whole chat completion's tokens go unread:
        // the worker publishes chunks only for a request that says stream.
        TestApi.user().contentType(ContentType.JSON)
                .body(body("followed later", "\"stream\": false"))
                .post("/v1/jobs")
                .then()
                .statusCode(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> worker.received().stream()
                .anyMatch(r -> r.getMessages(r.getMessagesCount() - 1).getContent().equals("followed later")));
        assertTrue(lastRequest("followed later").getStream());
    }

    @Test
    void aStreamIsChunksThenUsageThenDone() throws Exception {
        Response response = TestApi.user().contentType(ContentType.JSON)
                .header("Accept", "application/json")
                .body(body("greet", "\"stream\": true, \"stream_options\": {\"include_usage\": true}"))
                .post("/v1/chat/completions");

        assertEquals(200, response.statusCode());
        assertTrue(response.contentType().startsWith("text/event-stream"), response.contentType());
        List<String> data = dataLines(response.asString());
        assertEquals("[DONE]", data.get(data.size() - 1));
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : data.subList(0, data.size() - 1)) {
            chunks.add(JSON.readTree(line));
        }
        chunks.forEach(chunk -> assertEquals("chat.completion.chunk", chunk.get("object").asText()));
        assertEquals(1, chunks.stream().map(chunk -> chunk.get("id").asText()).distinct().count());
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Hello!", text(chunks));
        JsonNode last = chunks.get(chunks.size() - 2);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertEquals(0, usage.get("choices").size());
        assertEquals(8, usage.at("/usage/total_tokens").asInt());
        assertTrue(lastRequest("greet").getStream());
    }

    @Test
    void aStreamSendsWhatTheTokensMissedOnceTheResultIsIn() throws Exception {
        String events = TestApi.user().contentType(ContentType.JSON)
                .body(body("hurry", "\"stream\": true"))
                .post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();

        List<String> data = dataLines(events);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : data.subList(0, data.size() - 1)) {
            chunks.add(JSON.readTree(line));
        }
        assertEquals("One two three", text(chunks));
        assertEquals("length", chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aFailedJobIsA502OrAnErrorEvent() throws Exception {
        TestApi.user().contentType(ContentType.JSON)
                .body(body("fail", ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(502)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("server_error"))
                .body("error.code", equalTo("job_failed"));

        String events = TestApi.user().contentType(ContentType.JSON)
                .body(body("fail", "\"stream\": true"))
                .post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();
        List<String> data = dataLines(events);
        JsonNode error = JSON.readTree(data.get(data.size() - 1));
        assertTrue(error.at("/error/message").asText().contains("runner crashed"), error.toString());
    }

    @Test
    void refusalsAreJsonErrorsEvenForStreams() {
        TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [], \"stream\": true}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.param", equalTo("messages"))
                .body("error.type", equalTo("invalid_request_error"));
        TestApi.user().contentType(ContentType.JSON)
                .body(body("greet", "\"n\": 2"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("n"));
    }

    @Test
    void aClientThatHangsUpCancelsItsJob() throws Exception {
        byte[] body = body("hang", "\"stream\": true").getBytes(StandardCharsets.UTF_8);
        String jobId;
        // A plain socket, so hanging up is unmistakable: the connection closes mid-stream.
        try (Socket socket = new Socket(chatUri.getHost(), chatUri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + chatUri.getPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + TestApi.ADMIN_KEY + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains(" 200 "));
            String line = in.readLine();
            while (!line.startsWith("data: ")) {
                line = in.readLine();
            }
            jobId = JSON.readTree(line.substring("data: ".length())).get("id").asText()
                    .substring(ChatCompletionsResource.ID_PREFIX.length());
            await("job " + jobId + " running").atMost(TestKafka.DEADLINE).until(() -> "running".equals(
                    TestApi.admin().get("/v1/jobs/" + jobId).then().extract().path("status")));
        }
        JobControl control = JobControl.parseFrom(TestKafka.awaitRecord(Topics.CONTROL, jobId).value());
        assertTrue(control.getCancel());
        assertTrue(TestApi.admin().get("/v1/jobs/" + jobId).then().extract().path("cancel_requested_at") != null);
    }

    private static JobRequest lastRequest(String said) {
        return worker.received().stream()
                .filter(r -> r.getMessages(r.getMessagesCount() - 1).getContent().equals(said))
                .reduce((first, second) -> second)
                .orElseThrow();
    }

    private static String body(String userMessage, String extraFields) {
        return "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + userMessage
                + "\"}]" + (extraFields.isEmpty() ? "" : ", " + extraFields) + "}";
    }

    private static List<String> dataLines(String events) {
        return events.lines().filter(line -> line.startsWith("data: "))
                .map(line -> line.substring("data: ".length())).toList();
    }

    private static String text(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode content = chunk.at("/choices/0/delta/content");
            if (content.isTextual()) {
                text.append(content.asText());
            }
        }
        return text.toString();
    }
}
