package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gguf.tiny.TinyChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against the running stack (the unit tests of gateway, planner and worker cover each case in depth;
 * this shows the assembled system shrugs it off): corrupt GGUF files in a worker's model directory are reported and
 * skipped while the good model is served; a worker with a wrong cluster token is refused by the planner and never
 * joins the fleet; oversized and malformed requests get a 4xx with a JSON error, and the gateway keeps serving.
 */
class BadInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration DEADLINE = Duration.ofMinutes(1);
    private static final List<String> CORRUPT = List.of("garbage.gguf", "truncated.gguf", "empty.gguf",
            "bad-version.gguf");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path modelDir;

    /** Stopped by JUnit after the last test, before the data folder is removed. */
    @AutoClose
    private static LocalStack stack;
    private static String model;

    @BeforeAll
    static void startStack() throws Exception {
        Path good = TinyChatModel.write(modelDir.resolve("rigpool-tiny.gguf"), TinyChatModel.Spec.standard());
        byte[] random = new byte[64 * 1024];
        new Random(7).nextBytes(random);
        Files.write(modelDir.resolve("garbage.gguf"), random);
        byte[] goodBytes = Files.readAllBytes(good);
        Files.write(modelDir.resolve("truncated.gguf"), Arrays.copyOf(goodBytes, goodBytes.length / 2));
        Files.write(modelDir.resolve("empty.gguf"), new byte[0]);
        byte[] badVersion = Arrays.copyOf(goodBytes, 4096);
        badVersion[4] = 99; // GGUF magic, then a version no reader knows
        Files.write(modelDir.resolve("bad-version.gguf"), badVersion);

        stack = new LocalStack(StackOptions.forTest(dataDir, 1).withModelDir(modelDir)).start();
        model = stack.awaitModels(Duration.ofMinutes(3)).get(0);
    }

    @Test
    void corruptModelFilesAreReportedAndSkippedAndTheGoodOneIsServed() throws Exception {
        ServiceProcess worker = stack.workers().get(0);
        String log = worker.tail(2000);
        for (String name : CORRUPT) {
            assertTrue(log.contains("skipping model file " + modelDir.resolve(name)), () -> name + " not reported:\n"
                    + worker.tail(60));
        }
        assertTrue(worker.alive());
        assertEquals(List.of("rigpool-tiny"), ModelIds.of(get(stack.gatewayUrl() + "/v1/models").body()));

        HttpResponse<String> accepted = postJob("""
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 8}"""
                .formatted(model));
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = JSON.readTree(accepted.body()).get("id").asText();
        await("job " + id + " to succeed", () -> "succeeded".equals(jobStatus(id)));
    }

    @Test
    void aWorkerWithAWrongClusterTokenIsRefusedAndNeverJoins() throws Exception {
        ServiceProcess intruder = stack.addWorker("intruder", Map.of("rigpool.cluster-token", "not-the-token",
                "rigpool.worker.model-dir", modelDir.toString()));

        await("the planner to refuse the intruder", () -> stack.planner().tail(400)
                .contains("refused worker intruder"));
        await("the intruder to hear it was refused", () -> intruder.tail(400)
                .contains("the planner refused this worker"));
        assertFalse(intruder.tail(400).contains("not-the-token"), "the token is never logged");
        JsonNode nodes = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.plannerUrl() + "/api/nodes"))
                .header("Authorization", "Bearer " + stack.plannerAdminKey()).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(nodes.isArray() && nodes.size() == 1, nodes::toString);
        assertEquals("worker-1", nodes.get(0).path("node_id").asText(), nodes::toString);
        intruder.stop(Duration.ofSeconds(10));
    }

    @Test
    void anOversizedRequestIsRefusedWith413AndNothingIsStored() throws Exception {
        String huge = "x".repeat(2 * 1024 * 1024);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "%s", "messages": [{"role": "user", "content": "%s"}]}""".formatted(model, huge)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertGatewayStillServes();
    }

    @Test
    void malformedRequestsAreRefusedWith400NamingWhatIsWrong() throws Exception {
        Map<String, String> fieldOf = Map.of(
                "{\"model\": \"" + "rigpool-tiny" + "\", \"messages\": [{\"role\": \"user\"", "",
                "{\"model\": \"rigpool-tiny\"}", "messages",
                "{\"model\": \"rigpool-tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"max_tokens\": -5}", "max_tokens",
                "{\"model\": \"rigpool-tiny\", \"messages\": \"hi\"}", "messages");
        for (var entry : fieldOf.entrySet()) {
            for (String path : List.of("/v1/jobs", "/v1/chat/completions")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(entry.getKey())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), () -> path + " " + entry.getKey() + " -> " + r.body());
                JsonNode error = JSON.readTree(r.body()).get("error");
                assertEquals("invalid_request_error", error.get("type").asText(), r.body());
                if (!entry.getValue().isEmpty()) {
                    assertTrue(error.path("field").asText().startsWith(entry.getValue()),
                            () -> path + " " + entry.getKey() + " -> " + r.body());
                }
            }
        }
        assertGatewayStillServes();
    }

    private static void assertGatewayStillServes() throws Exception {
        assertTrue(stack.gateway().alive());
        HttpResponse<String> accepted = postJob("""
                {"model": "%s", "messages": [{"role": "user", "content": "still there?"}], "max_tokens": 4}"""
                .formatted(model));
        assertEquals(202, accepted.statusCode(), accepted.body());
    }

    private static HttpResponse<String> postJob(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String jobStatus(String id) {
        try {
            return JSON.readTree(get(stack.gatewayUrl() + "/v1/jobs/" + id).body()).path("status").asText();
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Waits.until(what, DEADLINE, condition, () -> "");
    }
}
