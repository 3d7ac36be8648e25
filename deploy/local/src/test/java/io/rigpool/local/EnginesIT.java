package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second engine through the whole stack: gateway, Kafka, PostgreSQL, planner, one worker with both engines, and
 * llama-server (llama.cpp of 2026-09-28) as its runners' children. The node serves three generated models at once:
 * a llama model on java-llama.cpp, and a qwen3 and a qwen3moe model, which only llama-server loads.
 */
class EnginesIT {

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    /** The generated models decode hundreds of tokens a second; a job to be caught running must be long. */
    private static final int LONG_JOB_TOKENS = 3000;
    private static final String LLAMA = "rigpool-tiny";
    private static final String QWEN3 = "rigpool-tiny-qwen3";
    private static final String QWEN3MOE = "rigpool-tiny-qwen3moe";

    /** Shared with OpenAiDepthIT; skipped where there is no llama-server. */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.bothEngines());

    private static LocalStack stack;
    private static StackClient client;

    @BeforeAll
    static void useStack() {
        stack = STACK.stack();
        client = STACK.client();
        await("all three models ready", () -> loaded().size() == 3
                && loaded().stream().allMatch(m -> m.path("state").asText().equals("ready")));
        // The gateway learns of them from the planner's catalogue, a moment after the worker has them.
        await("the gateway serves all three", () -> client.models().containsAll(List.of(LLAMA, QWEN3, QWEN3MOE)));
    }

    @Test
    void oneNodeServesEachModelOnTheEngineThatLoadsIt() throws Exception {
        assertEquals(Set.of(LLAMA + "=java-llama", QWEN3 + "=llama-server", QWEN3MOE + "=llama-server"),
                loaded().stream().map(m -> m.path("model_id").asText() + "=" + m.path("engine").asText())
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
        HttpResponse<String> r = client.post("/v1/chat/completions", """
                {"model": "%s", "stream": true, "max_tokens": 12, "temperature": 0,
                 "messages": [{"role": "user", "content": "Tell me of the sea"}]}""".formatted(QWEN3MOE));

        assertEquals(200, r.statusCode(), r.body());
        List<String> data = r.body().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip())
                .toList();
        assertEquals("[DONE]", data.get(data.size() - 1));
        String text = data.stream().filter(d -> !d.equals("[DONE]")).map(StackClient::json)
                .map(c -> c.at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        assertFalse(text.isBlank(), r.body());
        assertTrue(data.size() > 3, "streamed in pieces: " + data.size() + " events");
    }

    @Test
    void aCancelledJobOnLlamaServerEndsCancelled() throws Exception {
        String id = submit(QWEN3, LONG_JOB_TOKENS, 7);
        await("job running", () -> client.status(id).equals("running"));

        HttpResponse<String> cancel = client.post("/v1/jobs/" + id + "/cancel", "");

        assertTrue(cancel.statusCode() / 100 == 2, cancel.body());
        await("job cancelled", () -> client.status(id).equals("cancelled"));
        // The slot is free again: the next job on the same model finishes.
        String next = submit(QWEN3, 6, 8);
        await("next job finished", () -> client.status(next).equals("succeeded"));
    }

    @Test
    void aKilledLlamaServerHasItsJobDeliveredAgainAndFinished() throws Exception {
        long server = llamaServerOf(QWEN3);
        // Long enough (seconds, even on llama-server's fast CPU path) to be caught running.
        String id = submit(QWEN3, LONG_JOB_TOKENS, 9);
        await("job running", () -> client.status(id).equals("running"));

        ProcessHandle.of(server).orElseThrow().destroyForcibly();

        await("job finished", () -> !List.of("queued", "running").contains(client.status(id)));
        assertEquals("succeeded", client.status(id), () -> client.job(id).toString());
        JsonNode done = client.job(id);
        assertEquals("length", done.at("/result/finish_reason").asText(), done::toString);
        assertTrue(done.at("/usage/completion_tokens").asInt() > 0, done::toString);
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
        return client.workerStatus(stack.workers().get(0));
    }

    private static JsonNode chat(String model, int maxTokens) {
        HttpResponse<String> r = client.post("/v1/chat/completions", """
                {"model": "%s", "max_tokens": %d, "temperature": 0,
                 "messages": [{"role": "user", "content": "Say something"}]}""".formatted(model, maxTokens));
        assertEquals(200, r.statusCode(), r.body());
        return StackClient.json(r.body());
    }

    private static String submit(String model, int maxTokens, int seed) {
        return client.submit(model, "Tell me a long story", maxTokens, 0.5, seed);
    }

    private static void await(String what, BooleanSupplier condition) {
        Waits.until(what, DEADLINE, condition, () -> "worker log:\n" + stack.workers().get(0).tail(60));
    }
}
