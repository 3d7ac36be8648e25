package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.gateway.jobs.outbox.JobRequests;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rule "a field the gateway accepts is honoured; a field it does not honour is refused with 400 naming it",
 * walked over every field of OpenAI's chat completions request (CreateChatCompletionRequest in openai-openapi),
 * each with a value that asks for something: either the request is refused naming the field, or what reaches the
 * worker (the JobRequest) differs from the same request without the field.
 */
class ChatRequestFieldsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JobRequestReader READER = new JobRequestReader(4096, 256, 1.0, 1.0);
    static final UUID ID = UUID.fromString("5a0c7f39-0b43-4d84-a3c5-6a1b9c1f0e21");
    static final Instant CREATED = Instant.parse("2026-12-06T12:00:00Z");
    static final String BASE = """
            {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}""";

    /** Every field of OpenAI's request, and rigpool's own repeat_penalty, with a value that is not the default. */
    static final Map<String, String> OPENAI_FIELDS = new TreeMap<>(Map.ofEntries(
            Map.entry("model", "\"other-model\""),
            Map.entry("messages", "[{\"role\": \"user\", \"content\": \"Bye\"}]"),
            Map.entry("audio", "{\"voice\": \"alloy\", \"format\": \"mp3\"}"),
            Map.entry("frequency_penalty", "0.5"),
            Map.entry("function_call", "\"auto\""),
            Map.entry("functions", "[{\"name\": \"f\", \"parameters\": {}}]"),
            Map.entry("logit_bias", "{\"5\": 10}"),
            Map.entry("logprobs", "true"),
            Map.entry("max_completion_tokens", "5"),
            Map.entry("max_tokens", "6"),
            Map.entry("metadata", "{\"k\": \"v\"}"),
            Map.entry("modalities", "[\"text\", \"audio\"]"),
            Map.entry("n", "2"),
            Map.entry("parallel_tool_calls", "true"),
            Map.entry("prediction", "{\"type\": \"content\", \"content\": \"x\"}"),
            Map.entry("presence_penalty", "0.5"),
            Map.entry("prompt_cache_key", "\"k\""),
            Map.entry("reasoning_effort", "\"low\""),
            Map.entry("response_format", "{\"type\": \"json_object\"}"),
            Map.entry("safety_identifier", "\"u\""),
            Map.entry("seed", "7"),
            Map.entry("service_tier", "\"flex\""),
            Map.entry("stop", "[\"x\"]"),
            Map.entry("store", "true"),
            Map.entry("stream", "true"),
            Map.entry("stream_options", "{\"include_usage\": true}"),
            Map.entry("temperature", "0.3"),
            Map.entry("tool_choice", "\"required\""),
            Map.entry("tools", "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]"),
            Map.entry("top_logprobs", "5"),
            Map.entry("top_p", "0.5"),
            Map.entry("user", "\"u\""),
            Map.entry("verbosity", "\"low\""),
            Map.entry("web_search_options", "{}"),
            Map.entry("repeat_penalty", "1.2")));

    @Test
    void everyFieldOfTheRequestIsHonouredOrRefusedByName() throws Exception {
        JobRequest base = request(JSON.readTree(BASE));
        Map<String, String> outcomes = new TreeMap<>();
        for (Map.Entry<String, String> field : OPENAI_FIELDS.entrySet()) {
            ObjectNode body = (ObjectNode) JSON.readTree(BASE);
            body.set(field.getKey(), JSON.readTree(field.getValue()));
            try {
                JobRequest asked = request(body);
                boolean changed = !asked.equals(base) || (field.getKey().equals("stream_options")
                        && JobRequestReader.streamIncludesUsage(body));
                assertTrue(changed, field.getKey() + " was accepted and changed nothing the worker or the answer"
                        + " gets");
                assertTrue(ChatRequestFields.HONOURED.contains(field.getKey()), field.getKey());
                outcomes.put(field.getKey(), "honoured");
            } catch (ApiException refused) {
                assertEquals(400, refused.status(), field.getKey());
                assertEquals(field.getKey(), refused.field(), refused.getMessage());
                assertTrue(refused.getMessage().startsWith(field.getKey()), refused.getMessage());
                outcomes.put(field.getKey(), "refused: " + refused.getMessage());
            }
        }
        // The walk's result, for the record (the module README lists the same).
        outcomes.forEach((field, outcome) -> System.out.println("chat field " + field + ": " + outcome));
    }

    @Test
    void everyFieldOfOpenAisRequestHasItsOwnAnswerRatherThanTheUnknownFieldOne() {
        for (String field : OPENAI_FIELDS.keySet()) {
            assertTrue(ChatRequestFields.known().contains(field), field);
        }
    }

    @Test
    void aFieldNobodyDefinedIsRefusedRatherThanIgnored() throws Exception {
        ApiException refused = assertThrows(ApiException.class, () -> READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "top_k": 40}""")));

        assertEquals("top_k", refused.field());
        assertEquals(ChatRequestFields.UNSUPPORTED, refused.code());
    }

    @Test
    void valuesThatAskForNothingAreAccepted() throws Exception {
        JobRequest base = request(JSON.readTree(BASE));
        JsonNode body = JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tools": [], "functions": [],
                 "tool_choice": "none", "store": false, "modalities": ["text"], "service_tier": "auto", "n": 1,
                 "logprobs": false, "top_logprobs": 0, "user": null, "response_format": {"type": "text"},
                 "presence_penalty": 0, "logit_bias": {}}""");

        assertEquals(base, request(body));
        assertFalse(request(body).hasOptions(), "a request of defaults carries no options");
    }

    @Test
    void logprobsAndToolsAreRefusedNamingTheModelWhereAReplicaRunsOnJavaLlama() throws Exception {
        JobRequestCheck check = new JobRequestCheck(READER, id -> Optional.of(ModelCatalogEntry.newBuilder()
                .setModelId(id).addEngines("java-llama").addEngines("llama-server").build()));
        for (String field : List.of("logprobs", "tools")) {
            JsonNode body = JSON.readTree("""
                    {"model": "tiny-chat", "messages": [{"role": "user", "content": "Hi"}],
                     "logprobs": %s, "tools": %s}""".formatted(field.equals("logprobs"),
                    field.equals("tools") ? "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]" : "[]"));

            ApiException refused = assertThrows(ApiException.class, () -> check.check(body));

            assertEquals(field, refused.field());
            assertEquals(ChatRequestFields.UNSUPPORTED, refused.code());
            assertTrue(refused.getMessage().startsWith(field + " is not supported for model 'tiny-chat'"),
                    refused.getMessage());
        }
    }

    @Test
    void logprobsAndToolsAreAcceptedWhereEveryReplicaRunsOnLlamaServer() throws Exception {
        JobRequestCheck check = new JobRequestCheck(READER, id -> Optional.of(ModelCatalogEntry.newBuilder()
                .setModelId(id).addEngines("llama-server").build()));

        assertTrue(check.check(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true,
                 "top_logprobs": 20}""")).options().logprobs());
        assertEquals("required", check.check(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tool_choice": "required",
                 "tools": [{"type": "function", "function": {"name": "f"}}]}""")).options().tools().choice());
    }

    @Test
    void aToolsParametersAreHeldToTheSchemaSubsetTheGrammarEnforces() throws Exception {
        ApiException refused = assertThrows(ApiException.class, () -> READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tools": [{"type": "function",
                 "function": {"name": "f", "parameters": {"type": "string", "pattern": "^[0-9]+$"}}}]}""")));

        assertEquals("tools[0].function.parameters.pattern", refused.field(), refused.getMessage());
    }

    @Test
    void topLogprobsOutsideZeroToTwentyAndLogprobsWithToolsAreRefusedByName() throws Exception {
        for (String top : List.of("21", "-1", "1.5", "\"3\"")) {
            ApiException refused = assertThrows(ApiException.class, () -> READER.read(JSON.readTree("""
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true,
                     "top_logprobs": %s}""".formatted(top))));
            assertEquals("top_logprobs", refused.field(), top);
        }
        ApiException both = assertThrows(ApiException.class, () -> READER.read(JSON.readTree("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true,
                 "tools": [{"type": "function", "function": {"name": "f"}}]}""")));
        assertEquals("logprobs", both.field());
    }

    private static JobRequest request(JsonNode body) {
        return JobRequests.of(ID, READER.read(body), CREATED);
    }
}
