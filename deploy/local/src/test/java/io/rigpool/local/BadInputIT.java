package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gguf.tiny.TinyChatModel;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input against the running stack (the unit tests of gateway, planner and worker cover each case in depth;
 * this shows the assembled system shrugs it off): corrupt GGUF files in a worker's model directory are reported and
 * skipped while the good model is served; a worker with a wrong cluster token is refused by the planner and never
 * joins the fleet; oversized and malformed requests get a 4xx with a JSON error, and the gateway keeps serving.
 */
class BadInputIT {

    private static final Duration DEADLINE = Duration.ofMinutes(1);
    private static final List<String> CORRUPT = List.of("garbage.gguf", "truncated.gguf", "empty.gguf",
            "bad-version.gguf");

    /** The good model beside corrupt files: a stack of this class's own (no other class has these files). */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.models("bad-input",
            TinyChatModel.Spec.standard()).withModelFiles(BadInputIT::writeCorruptFiles));

    private static LocalStack stack;
    private static StackClient client;
    private static Path modelDir;
    private static String model;

    @BeforeAll
    static void useStack() {
        stack = STACK.stack();
        client = STACK.client();
        modelDir = STACK.modelDir();
        model = STACK.model();
    }

    /** Beside the good model (written first): files that are not GGUF, or not all of one. */
    private static void writeCorruptFiles(Path modelDir) {
        try {
            byte[] random = new byte[64 * 1024];
            new Random(7).nextBytes(random);
            Files.write(modelDir.resolve("garbage.gguf"), random);
            byte[] goodBytes = Files.readAllBytes(modelDir.resolve("rigpool-tiny.gguf"));
            Files.write(modelDir.resolve("truncated.gguf"), Arrays.copyOf(goodBytes, goodBytes.length / 2));
            Files.write(modelDir.resolve("empty.gguf"), new byte[0]);
            byte[] badVersion = Arrays.copyOf(goodBytes, 4096);
            badVersion[4] = 99; // GGUF magic, then a version no reader knows
            Files.write(modelDir.resolve("bad-version.gguf"), badVersion);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        assertEquals(List.of("rigpool-tiny"), client.models());

        String id = client.submit("""
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 8}"""
                .formatted(model));
        await("job " + id + " to succeed", () -> "succeeded".equals(client.status(id)));
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
        JsonNode nodes = client.planner("/api/nodes");
        assertTrue(nodes.isArray() && nodes.size() == 1, nodes::toString);
        assertEquals("worker-1", nodes.get(0).path("node_id").asText(), nodes::toString);
        intruder.stop(Duration.ofSeconds(10));
    }

    @Test
    void anOversizedRequestIsRefusedWith413AndNothingIsStored() throws Exception {
        String huge = "x".repeat(2 * 1024 * 1024);
        HttpResponse<String> r = client.postExpectingContinue("/v1/jobs", """
                {"model": "%s", "messages": [{"role": "user", "content": "%s"}]}""".formatted(model, huge));
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
                HttpResponse<String> r = client.post(path, entry.getKey());
                assertEquals(400, r.statusCode(), () -> path + " " + entry.getKey() + " -> " + r.body());
                JsonNode error = StackClient.json(r.body()).get("error");
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
        client.submit("""
                {"model": "%s", "messages": [{"role": "user", "content": "still there?"}], "max_tokens": 4}"""
                .formatted(model));
    }

    private static void await(String what, BooleanSupplier condition) {
        Waits.until(what, DEADLINE, condition, () -> "worker log:\n" + stack.workers().get(0).tail(30));
    }
}
