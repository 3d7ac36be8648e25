package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.GenerationOptions;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options beyond the basic sampling ones, through the packaged runner on the tiny random-weights model: a model
 * that knows nothing can only answer schema-valid JSON if the grammar really constrains sampling, and a bias or a
 * penalty that changes greedy decoding has reached llama.cpp's sampler.
 */
class GenerationOptionsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Every value bounded, so that a random model reaches the end of the object well within max_tokens. */
    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "maxLength": 12},
               "count": {"type": "integer", "minimum": 0, "maximum": 99},
               "colour": {"enum": ["red", "green", "blue"]},
               "ok": {"type": "boolean"},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "maxItems": 3}},
             "required": ["name", "count", "colour", "ok", "tags"]}""";
    private static final int SCHEMA_RUNS = 20;

    @TempDir
    static Path temp;

    /** Ended by JUnit after the last test, if it started. */
    @AutoClose
    static LaunchedRunner runner;

    @BeforeAll
    static void startRunner() throws Exception {
        Path model = TinyChatModel.write(temp.resolve("rigpool-tiny.gguf"), TinyChatModel.Spec.standard());
        runner = LaunchedRunner.start(model, temp.resolve("runner"), "--ctx-size", "2048", "--threads", "2");
        assertTrue(runner.awaitPort().isPresent(), () -> "runner did not start:\n" + runner.output());
    }

    @Test
    void aJsonSchemaMakesEveryAnswerValidAgainstIt() throws Exception {
        for (int seed = 1; seed <= SCHEMA_RUNS; seed++) {
            GenerateRequest request = request("schema-" + seed, 1024).toBuilder()
                    .setTemperature(1f).setHasSeed(true).setSeed(seed)
                    .setOptions(GenerationOptions.newBuilder().setJsonSchema(SCHEMA))
                    .build();

            LaunchedRunner.Generated answer = runner.generate(request, DEADLINE);

            assertEquals("stop", answer.finished().getFinishReason(), answer::text);
            assertValidAgainstSchema(answer.text());
        }
    }

    @Test
    void aLogitBiasOf100MakesOneTokenTheWholeAnswerAndMinus100BansIt() throws Exception {
        // The letter "x" is a token of its own in the tiny vocabulary; 100 on it outweighs any logit.
        int x = tokenIdOf("x");
        String forced = runner.generate(request("forced", 12).toBuilder()
                .setOptions(GenerationOptions.newBuilder().putLogitBias(x, 100f)).build(), DEADLINE).text();
        assertEquals("x".repeat(12), forced);

        String greedyFirst = runner.generate(request("greedy-first", 1), DEADLINE).text();
        String banned = runner.generate(request("banned", 12).toBuilder()
                .setOptions(GenerationOptions.newBuilder().putLogitBias(tokenIdOf(greedyFirst), -100f)).build(),
                DEADLINE).text();
        assertFalse(banned.startsWith(greedyFirst), "-100 bans the token greedy decoding picks first: " + banned);
    }

    @Test
    void aBiasOnATokenOutsideTheVocabularyIsRefusedNotDropped() {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> runner.generate(
                request("outside", 4).toBuilder()
                        .setOptions(GenerationOptions.newBuilder().putLogitBias(1_000_000, 5f)).build(), DEADLINE));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("logit_bias: token 1000000"),
                refused.getStatus().getDescription());
    }

    @Test
    void penaltiesChangeWhatGreedyDecodingRepeats() throws Exception {
        String greedy = runner.generate(request("unpenalised", 40), DEADLINE).text();
        String presence = runner.generate(request("presence", 40).toBuilder()
                .setOptions(GenerationOptions.newBuilder().setPresencePenalty(2f)).build(), DEADLINE).text();
        String frequency = runner.generate(request("frequency", 40).toBuilder()
                .setOptions(GenerationOptions.newBuilder().setFrequencyPenalty(2f)).build(), DEADLINE).text();
        String repeat = runner.generate(request("repeat", 40).toBuilder()
                .setOptions(GenerationOptions.newBuilder().setRepeatPenalty(1.8f)).build(), DEADLINE).text();

        assertNotEquals(greedy, presence);
        assertNotEquals(greedy, frequency);
        assertNotEquals(greedy, repeat);
    }

    /** The tiny vocabulary's id of a token, found by what a bias on it makes the model say. */
    private static int tokenIdOf(String piece) throws Exception {
        // ids 0-2 are control tokens, 3-258 bytes, 259-260 ChatML markers; letters and the like follow.
        for (int id = 259; id < 600; id++) {
            String said = runner.generate(request("probe-" + id, 1).toBuilder()
                    .setOptions(GenerationOptions.newBuilder().putLogitBias(id, 100f)).build(), DEADLINE).text();
            if (said.equals(piece)) {
                return id;
            }
        }
        throw new AssertionError("no token says '" + piece + "'");
    }

    /** Strict JSON (no trailing text, no lenient syntax) that satisfies {@link #SCHEMA}. */
    static void assertValidAgainstSchema(String text) {
        JsonElement parsed;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            parsed = JsonParser.parseReader(reader);
            assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, reader.peek(), "nothing after the JSON");
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
        assertTrue(parsed.isJsonObject(), text);
        JsonObject object = parsed.getAsJsonObject();
        assertEquals(Set.of("name", "count", "colour", "ok", "tags"), object.keySet(), text);
        assertTrue(object.get("name").getAsJsonPrimitive().isString(), text);
        assertTrue(object.get("name").getAsString().codePointCount(0, object.get("name").getAsString().length())
                <= 12, text);
        long count = object.get("count").getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        assertTrue(count >= 0 && count <= 99, text);
        assertTrue(Set.of("red", "green", "blue").contains(object.get("colour").getAsString()), text);
        assertTrue(object.get("ok").getAsJsonPrimitive().isBoolean(), text);
        JsonArray tags = object.get("tags").getAsJsonArray();
        assertTrue(tags.size() <= 3, text);
        tags.forEach(tag -> assertTrue(tag.getAsJsonPrimitive().isString() && tag.getAsString().length() <= 5, text));
    }

    private static GenerateRequest request(String id, int maxTokens) {
        return GenerateRequest.newBuilder()
                .setRequestId(id)
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Describe the rig pool as JSON."))
                .setMaxTokens(maxTokens)
                .setTemperature(0f)
                .build();
    }
}
