package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.rigpool.local.deployment.DeploymentChecksReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Structured output through the whole stack (gateway, Kafka, PostgreSQL, worker, runner, llama.cpp on the tiny
 * random-weights model), spoken to with OpenAI's official Java client: a model that knows nothing answers
 * schema-valid JSON every time only if the grammar really holds sampling. Each answer is checked by an independent
 * JSON Schema validator (networknt), not by rigpool's code. {@code -Drigpool.structured.runs=100} runs the issue's
 * 100 sync plus 100 streamed requests; the default keeps the suite fast.
 */
class StructuredOutputIT {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int RUNS = Integer.getInteger("rigpool.structured.runs", 10);
    /** Every value bounded, so that a random model reaches the end of the object well within max_tokens. */
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "maxLength": 12},
               "count": {"type": "integer", "minimum": 0, "maximum": 99},
               "colour": {"enum": ["red", "green", "blue"]},
               "ok": {"type": "boolean"},
               "when": {"type": "string", "format": "date"},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}, "maxItems": 3}},
             "required": ["name", "count", "colour", "ok", "when", "tags"],
             "additionalProperties": false}""";

    /** Shared with the other classes of one worker on the demo model (LocalStackExtension). */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.demo("one-worker", 1));

    private static LocalStack stack;
    private static String model;
    private static OpenAIClient client;
    /** How many bytes of the worker's log were there before this class's requests. */
    private static long workerLogBefore;

    @BeforeAll
    static void useStack() {
        stack = STACK.stack();
        model = STACK.model();
        client = STACK.client().openAi();
        workerLogBefore = stack.workers().get(0).log().toFile().length();
    }

    @Test
    void aJsonSchemaIsHeldEveryTimeSyncAndStreamed() throws Exception {
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(JSON.readTree(SCHEMA));
        List<String> failures = new ArrayList<>();
        int validSync = 0;
        int validStreamed = 0;
        long started = System.nanoTime();
        for (int run = 0; run < RUNS; run++) {
            ChatCompletionCreateParams params = request(run, schemaFormat());

            ChatCompletion completion = client.chat().completions().create(params);
            String sync = completion.choices().get(0).message().content().orElse("");
            validSync += check(validator, "sync " + run, sync, failures);
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason(), sync);

            String streamed;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                streamed = stream.stream().flatMap(chunk -> chunk.choices().stream())
                        .flatMap(choice -> choice.delta().content().stream()).collect(Collectors.joining());
            }
            validStreamed += check(validator, "streamed " + run, streamed, failures);
        }
        ObjectNode figures = DeploymentChecksReport.section();
        figures.put("test", "StructuredOutputIT");
        figures.put("runs", RUNS);
        figures.put("schema_valid_sync", validSync);
        figures.put("schema_valid_streamed", validStreamed);
        figures.put("seconds", (System.nanoTime() - started) / 1e9);
        DeploymentChecksReport.record("structured_output", figures);
        System.out.printf("structured output: %d/%d sync and %d/%d streamed answers valid against the schema%n",
                validSync, RUNS, validStreamed, RUNS);
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    /**
     * Schemas the gateway's check accepts, one per rule of llama.cpp's converter: each must reach the runner, be
     * converted without ending it, and hold the answer (checked when the answer finished rather than ran out of
     * max_tokens, which a random model may do inside an unbounded string).
     */
    @Test
    void everyKindOfSchemaTheGatewayAcceptsIsConvertedAndHeld() throws Exception {
        List<String> schemas = List.of(
                "{\"anyOf\": [{\"type\": \"integer\", \"exclusiveMinimum\": 0, \"maximum\": 9}, {\"type\": \"null\"}]}",
                "{\"type\": [\"boolean\", \"null\"]}",
                "{\"type\": \"array\", \"prefixItems\": [{\"const\": \"id\"}, {\"type\": \"string\", \"format\": \"uuid\"}]}",
                "{\"type\": \"object\", \"properties\": {\"at\": {\"type\": \"string\", \"format\": \"date-time\"},"
                        + " \"t\": {\"type\": \"string\", \"format\": \"time\"}}, \"required\": [\"at\", \"t\"]}",
                "{\"$defs\": {\"flag\": {\"type\": \"boolean\", \"description\": \"dropped\"}}, \"title\": \"T\","
                        + " \"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/flag\"}},"
                        + " \"required\": [\"a\"], \"additionalProperties\": false}",
                "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 5},"
                        + " \"properties\": {}}",
                "{\"type\": \"array\", \"items\": {\"enum\": [1, \"two\", null]}, \"minItems\": 2, \"maxItems\": 2}",
                "{\"type\": \"string\", \"minLength\": 1, \"maxLength\": 3}");
        for (String text : schemas) {
            JsonNode schema = JSON.readTree(text);
            ResponseFormatJsonSchema.JsonSchema.Schema.Builder builder = ResponseFormatJsonSchema.JsonSchema.Schema
                    .builder();
            JSON.convertValue(schema, Map.class).forEach((key, value) -> builder.putAdditionalProperty(
                    (String) key, JsonValue.from(value)));
            ChatCompletion completion = client.chat().completions().create(request(1,
                    ChatCompletionCreateParams.ResponseFormat.ofJsonSchema(ResponseFormatJsonSchema.builder()
                            .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("kind")
                                    .schema(builder.build()).build()).build()))
                    .toBuilder().maxCompletionTokens(512).build());
            String answer = completion.choices().get(0).message().content().orElse("");
            if (ChatCompletion.Choice.FinishReason.STOP.equals(completion.choices().get(0).finishReason())) {
                List<String> failures = new ArrayList<>();
                check(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema), text,
                        answer, failures);
                assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
            }
        }
        assertTrue(stack.workers().get(0).alive(), "no schema ended the worker");
        // What the worker's supervisor logs when a runner process ends under it (RunnerSupervisor).
        assertFalse(workerLogSinceStart().contains("in flight, handed back"), () -> stack.workers().get(0).tail(200));
    }

    @Test
    void jsonModeAnswersAJsonObjectOrIsCutByMaxTokensAndSaysSo() throws Exception {
        // Any object may hold strings of any length, which a random model need not close: what the grammar
        // promises is that every answer is an object or the start of one, and a finished one parses.
        for (int run = 0; run < 5; run++) {
            ChatCompletion completion = client.chat().completions().create(request(run,
                    ChatCompletionCreateParams.ResponseFormat.ofJsonObject(ResponseFormatJsonObject.builder()
                            .build())).toBuilder().maxCompletionTokens(256).build());
            String text = completion.choices().get(0).message().content().orElse("");
            assertTrue(text.startsWith("{"), text);
            if (ChatCompletion.Choice.FinishReason.STOP.equals(completion.choices().get(0).finishReason())) {
                assertTrue(JSON.readTree(text).isObject(), text);
            } else {
                assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, completion.choices().get(0).finishReason());
            }
        }
    }

    @Test
    void whatTheStackCannotHonourIsRefusedByName() {
        BadRequestException pattern = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(request(0, ChatCompletionCreateParams.ResponseFormat.ofJsonSchema(
                        ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                .name("zip").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                        .putAdditionalProperty("type", JsonValue.from("string"))
                                        .putAdditionalProperty("pattern", JsonValue.from("^[0-9]{5}$")).build())
                                .build()).build()))));
        assertEquals("response_format.json_schema.schema.pattern", pattern.param().orElseThrow());

        BadRequestException logprobs = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(request(0, schemaFormat()).toBuilder().logprobs(true).topLogprobs(3).build()));
        assertEquals("logprobs", logprobs.param().orElseThrow());
    }

    /** The worker's log since this class began (the stack is shared, and so is its log). */
    private static String workerLogSinceStart() throws IOException {
        try (RandomAccessFile log = new RandomAccessFile(stack.workers().get(0).log().toFile(), "r")) {
            byte[] since = new byte[(int) Math.max(0, log.length() - workerLogBefore)];
            log.seek(log.length() - since.length);
            log.readFully(since);
            return new String(since, StandardCharsets.UTF_8);
        }
    }

    private static ChatCompletionCreateParams request(int seed, ChatCompletionCreateParams.ResponseFormat format) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Describe the rig pool as JSON.")
                .maxCompletionTokens(1024)
                .temperature(1.0)
                .seed(seed)
                .presencePenalty(0.3)
                .responseFormat(format)
                .build();
    }

    private static ChatCompletionCreateParams.ResponseFormat schemaFormat() throws Exception {
        Map<String, Object> schema = JSON.readValue(SCHEMA, Map.class);
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder builder = ResponseFormatJsonSchema.JsonSchema.Schema
                .builder();
        schema.forEach((key, value) -> builder.putAdditionalProperty(key, JsonValue.from(value)));
        return ChatCompletionCreateParams.ResponseFormat.ofJsonSchema(ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("rig").strict(true)
                        .schema(builder.build()).build())
                .build());
    }

    /** 1 when the text is one JSON document valid against the schema; otherwise records why and returns 0. */
    private static int check(JsonSchema validator, String what, String text, List<String> failures) {
        JsonNode answer;
        try {
            answer = JSON.readTree(text);
        } catch (Exception e) {
            failures.add(what + ": not JSON (" + e.getMessage() + "): " + text);
            return 0;
        }
        Set<ValidationMessage> errors = validator.validate(answer);
        if (!errors.isEmpty()) {
            failures.add(what + ": " + errors + ": " + text);
            return 0;
        }
        return 1;
    }
}
