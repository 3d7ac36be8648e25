package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.common.engines.LlamaServerInstall;
import io.rigpool.gguf.tiny.TinyChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second engine through the whole stack: gateway, Kafka, PostgreSQL, planner, one worker with both engines, and
 * llama-server (llama.cpp of 2026-09-28) as its runners' children. The node serves three generated models at once:
 * a llama model on java-llama.cpp, and a qwen3 and a qwen3moe model, which only llama-server loads.
 */
class EnginesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final String LLAMA = "rigpool-tiny";
    private static final String QWEN3 = "rigpool-tiny-qwen3";
    private static final String QWEN3MOE = "rigpool-tiny-qwen3moe";

    @TempDir
    static Path dataDir;

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Optional<Path> binary = LlamaServerInstall.locate();
        if (LlamaServerInstall.required()) {
            assertTrue(binary.isPresent(), "RIGPOOL_REQUIRE_LLAMA_SERVER is set but no llama-server was found");
        }
        assumeTrue(binary.isPresent(), "no llama-server here (deploy/llama-server/build-from-npm.sh builds one)");
        Path models = Files.createDirectories(dataDir.resolve("models"));
        TinyChatModel.write(models.resolve(LLAMA + ".gguf"), TinyChatModel.Spec.standard());
        TinyChatModel.write(models.resolve(QWEN3 + ".gguf"), TinyChatModel.Spec.qwen3());
        TinyChatModel.write(models.resolve(QWEN3MOE + ".gguf"), TinyChatModel.Spec.qwen3Moe());
        stack = new LocalStack(StackOptions.forTest(dataDir.resolve("stack"), 1).withModelDir(models))
                .withLlamaServer(binary.get()).start();
        await("all three models ready", () -> loaded().size() == 3
                && loaded().stream().allMatch(m -> m.path("state").asText().equals("ready")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void oneNodeServesEachModelOnTheEngineThatLoadsIt() throws Exception {
        assertEquals(Set.of(LLAMA + "=java-llama", QWEN3 + "=llama-server", QWEN3MOE + "=llama-server"),
                loaded().stream().map(m -> m.path("modelId").asText() + "=" + m.path("engine").asText())
                        .collect(Collectors.toSet()));
        JsonNode engines = workerStatus().path("engines");
        assertEquals(2, engines.size(), engines::toString);
        assertEquals("llama-server", engines.get(1).path("kind").asText());
        assertTrue(engines.get(1).path("architectures").asInt() > 100, engines::toString);
        for (String model : List.of(LLAMA, QWEN3, QWEN3MOE)) {
            JsonNode answer = chat(model, 8);
            assertEquals("length", answer.at("/choices/0/finish_reason").asText(), answer::toString);
            assertFalse(answer.at("/choices/0/message/content").asText().isBlank(), answer::toString);
            assertEquals(8, answer.at("/usage/completion_tokens").asInt(), answer::toString);
        }
    }

    @Test
    void aMixtureOfExpertsModelStreamsOverServerSentEvents() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model": "%s", "stream": true, "max_tokens": 12, "temperature": 0,
                 "messages": [{"role": "user", "content": "Tell me of the sea"}]}""".formatted(QWEN3MOE));

        assertEquals(200, r.statusCode(), r.body());
        List<String> data = r.body().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip())
                .toList();
        assertEquals("[DONE]", data.get(data.size() - 1));
        String text = data.stream().filter(d -> !d.equals("[DONE]")).map(EnginesIT::tree)
                .map(c -> c.at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        assertFalse(text.isBlank(), r.body());
        assertTrue(data.size() > 3, "streamed in pieces: " + data.size() + " events");
    }

    @Test
    void aCancelledJobOnLlamaServerEndsCancelled() throws Exception {
        String id = submit(QWEN3, 100_000, 7);
        await("job running", () -> status(id).equals("running"));

        HttpResponse<String> cancel = post("/v1/jobs/" + id + "/cancel", "");

        assertTrue(cancel.statusCode() / 100 == 2, cancel.body());
        await("job cancelled", () -> status(id).equals("cancelled"));
        // The slot is free again: the next job on the same model finishes.
        String next = submit(QWEN3, 6, 8);
        await("next job finished", () -> status(next).equals("succeeded"));
    }

    @Test
    void aKilledLlamaServerHasItsJobDeliveredAgainAndFinished() throws Exception {
        long server = llamaServerOf(QWEN3);
        String id = submit(QWEN3, 400, 9);
        await("job running", () -> status(id).equals("running"));

        ProcessHandle.of(server).orElseThrow().destroyForcibly();

        await("job finished", () -> !List.of("queued", "running").contains(status(id)));
        assertEquals("succeeded", status(id), () -> job(id).toString());
        assertEquals(400, job(id).at("/usage/completion_tokens").asInt(), () -> job(id).toString());
        await("a new llama-server serves " + QWEN3, () -> {
            try {
                return llamaServerOf(QWEN3) != server;
            } catch (IllegalStateException e) {
                return false;
            }
        });
        assertNotEquals(server, llamaServerOf(QWEN3));
    }

    /** The pid of the llama-server process that holds the model's file. */
    private static long llamaServerOf(String model) {
        ServiceProcess worker = stack.workers().get(0);
        return ProcessHandle.of(worker.pid()).orElseThrow().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("llama-server"))
                .filter(p -> p.info().commandLine().orElse("").contains(model + ".gguf"))
                .findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("no llama-server runs " + model));
    }

    private static List<JsonNode> loaded() {
        JsonNode status = workerStatus();
        return status.path("loaded").isArray() ? List.copyOf(iterable(status.path("loaded"))) : List.of();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static JsonNode workerStatus() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + stack.workers().get(0).httpPort() + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode chat(String model, int maxTokens) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", """
                {"model": "%s", "max_tokens": %d, "temperature": 0,
                 "messages": [{"role": "user", "content": "Say something"}]}""".formatted(model, maxTokens));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String submit(String model, int maxTokens, int seed) throws Exception {
        HttpResponse<String> r = post("/v1/jobs", """
                {"model": "%s", "messages": [{"role": "user", "content": "Tell me a long story"}],
                 "max_tokens": %d, "temperature": 0.5, "seed": %d}""".formatted(model, maxTokens, seed));
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    private static JsonNode job(String id) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs/" + id))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String status(String id) {
        return job(id).path("status").asText();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what + "\nworker log:\n"
                        + stack.workers().get(0).tail(60));
            }
            ServiceProcess.pause(100);
        }
    }
}
