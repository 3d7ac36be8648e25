package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * logprobs and tools through the whole stack, spoken to with OpenAI's official Java client: gateway, Kafka,
 * PostgreSQL, planner, a worker with both engines, and llama-server running the tiny qwen3 model (random weights,
 * Qwen 2.5's tool-aware template). A forced call is parsable only if the grammar really holds sampling; the
 * logprobs are llama.cpp's own. A llama model on java-llama.cpp beside it shows the refusal. (OpenAI's Python client
 * cannot be installed on the machines this runs on: no package index is reachable.)
 */
class OpenAiDepthIT {

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final String QWEN3 = "rigpool-tiny-qwen3";
    private static final String LLAMA = "rigpool-tiny";
    /**
     * A bounded argument, so that a random model reaches the end of the call well within max_tokens; the requests
     * ask for one call ({@code parallel_tool_calls: false}), as a random model would otherwise call on and on.
     */
    private static final FunctionDefinition GET_WEATHER = FunctionDefinition.builder()
            .name("get_weather")
            .description("The weather in a city")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                            Map.of("type", "string", "maxLength", 12))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                    .build())
            .build();

    /** Shared with EnginesIT (which also serves a qwen3moe model); skipped where there is no llama-server. */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.bothEngines());

    private static LocalStack stack;
    private static StackClient http;
    private static OpenAIClient client;

    @BeforeAll
    static void useStack() {
        stack = STACK.stack();
        http = STACK.client();
        // Ready on the worker (a class before may have killed a llama-server under it), and placed at the gateway.
        await("the worker serves both models", () -> {
            Map<String, String> states = new HashMap<>();
            http.workerStatus(stack.workers().get(0)).path("loaded").forEach(m -> states.put(
                    m.path("model_id").asText(), m.path("state").asText()));
            return "ready".equals(states.get(QWEN3)) && "ready".equals(states.get(LLAMA));
        });
        await("the gateway knows both models and their engines", () -> {
            JsonNode list = StackClient.json(http.get("/v1/models").body()).path("data");
            int placed = 0;
            for (JsonNode model : list) {
                boolean ours = List.of(QWEN3, LLAMA).contains(model.path("id").asText());
                placed += ours && !model.at("/capabilities/engines").isEmpty() ? 1 : 0;
            }
            return placed == 2;
        });
        client = http.openAi();
    }

    @Test
    void theModelListSaysWhichModelDoesLogprobsAndTools() {
        JsonNode qwen = StackClient.json(http.get("/v1/models/" + QWEN3).body());
        JsonNode llama = StackClient.json(http.get("/v1/models/" + LLAMA).body());

        assertTrue(qwen.at("/capabilities/logprobs").asBoolean(), qwen::toString);
        assertTrue(qwen.at("/capabilities/tools").asBoolean(), qwen::toString);
        assertFalse(llama.at("/capabilities/logprobs").asBoolean(), llama::toString);
        assertFalse(llama.at("/capabilities/tools").asBoolean(), llama::toString);
    }

    @Test
    void aSyncAnswerHasLlamaCppsLogprobsForEveryToken() {
        ChatCompletion answer = client.chat().completions().create(logprobsRequest().build());

        List<ChatCompletionTokenLogprob> tokens = answer.choices().get(0).logprobs().orElseThrow().content()
                .orElseThrow();
        assertEquals(answer.usage().orElseThrow().completionTokens(), tokens.size(), answer::toString);
        assertSensible(tokens);
        assertEquals(answer.choices().get(0).message().content().orElseThrow(),
                String.join("", tokens.stream().map(ChatCompletionTokenLogprob::token).toList()));
    }

    @Test
    void aStreamedAnswerHasTheSameLogprobsChunkByChunk() {
        List<ChatCompletionTokenLogprob> tokens = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(logprobsRequest().build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.logprobs()
                    .flatMap(ChatCompletionChunk.Choice.Logprobs::content).ifPresent(tokens::addAll)));
        }
        ChatCompletion sync = client.chat().completions().create(logprobsRequest().build());

        assertSensible(tokens);
        assertEquals(sync.choices().get(0).logprobs().orElseThrow().content().orElseThrow().stream()
                        .map(ChatCompletionTokenLogprob::token).toList(),
                tokens.stream().map(ChatCompletionTokenLogprob::token).toList(), "greedy: the same tokens");
    }

    @Test
    void aForcedCallIsParsedIntoToolCallsAndTheToolsAnswerIsAnswered() {
        ChatCompletionCreateParams.Builder ask = ChatCompletionCreateParams.builder().model(QWEN3)
                .addUserMessage("What is the weather in Oslo?").maxCompletionTokens(1024).temperature(0.0)
                .addFunctionTool(GET_WEATHER).parallelToolCalls(false)
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(ChatCompletionNamedToolChoice.Function
                        .builder().name("get_weather").build()).build());
        ChatCompletion called = client.chat().completions().create(ask.build());

        ChatCompletion.Choice choice = called.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), called::toString);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).function()
                .orElseThrow();
        assertEquals("get_weather", call.function().name());
        assertTrue(StackClient.json(call.function().arguments()).path("city").isTextual(), call::toString);

        ChatCompletion answered = client.chat().completions().create(ask
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.NONE)
                .maxCompletionTokens(8)
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"celsius\": 21}").build())
                .build());

        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, answered.choices().get(0).finishReason());
        assertFalse(answered.choices().get(0).message().content().orElse("").isEmpty(), answered::toString);
        assertTrue(answered.usage().orElseThrow().promptTokens() > called.usage().orElseThrow().promptTokens(),
                "the call and the tool's answer are in the prompt");
    }

    @Test
    void aStreamedForcedCallComesAsToolCallDeltas() {
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(QWEN3).addUserMessage("Weather in Oslo?")
                        .maxCompletionTokens(1024).temperature(0.0).addFunctionTool(GET_WEATHER)
                        .parallelToolCalls(false).toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED)
                        .build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.finishReason().ifPresent(reason -> finishReasons.add(reason.asString()));
                choice.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> call.function().ifPresent(f -> {
                    f.name().ifPresent(names::add);
                    f.arguments().ifPresent(arguments::append);
                })));
            }));
        }

        assertEquals(List.of("get_weather"), names);
        assertEquals(List.of("tool_calls"), finishReasons);
        assertTrue(StackClient.json(arguments.toString()).path("city").isTextual(), arguments::toString);
    }

    @Test
    void theJobsApiTakesTheSameFieldsAndStoresLogprobsAndCalls() {
        String logprobs = submit("""
                {"model": "%s", "messages": [{"role": "user", "content": "Say something"}], "max_tokens": 6,
                 "temperature": 0, "logprobs": true, "top_logprobs": 2}""".formatted(QWEN3));
        String tools = submit("""
                {"model": "%s", "messages": [{"role": "user", "content": "Weather in Oslo?"}], "max_tokens": 1024,
                 "temperature": 0, "tool_choice": "required", "parallel_tool_calls": false, "tools": [{"type": "function", "function":
                 {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string",
                  "maxLength": 12}}, "required": ["city"], "additionalProperties": false}}}]}""".formatted(QWEN3));
        await("both jobs done", () -> http.status(logprobs).equals("succeeded") && http.status(tools).equals("succeeded"));

        JsonNode stored = http.job(logprobs);
        assertEquals(6, stored.at("/result/logprobs/content").size(), stored::toString);
        stored.at("/result/logprobs/content").forEach(token -> {
            assertTrue(token.path("logprob").asDouble() <= 0, token::toString);
            assertEquals(2, token.path("top_logprobs").size(), token::toString);
        });
        JsonNode called = http.job(tools);
        assertEquals("tool_calls", called.at("/result/finish_reason").asText(), called::toString);
        assertEquals("get_weather", called.at("/result/tool_calls/0/function/name").asText(), called::toString);
        assertTrue(StackClient.json(called.at("/result/tool_calls/0/function/arguments").asText()).path("city")
                .isTextual(), called::toString);
    }

    @Test
    void aModelOnJavaLlamaRefusesLogprobsNamingTheModel() {
        BadRequestException refused = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model(LLAMA).addUserMessage("Hi").logprobs(true)
                        .build()));

        assertTrue(refused.getMessage().contains("model '" + LLAMA + "'"), refused.getMessage());
        assertEquals(Optional.of("logprobs"), refused.param());
    }

    private static ChatCompletionCreateParams.Builder logprobsRequest() {
        return ChatCompletionCreateParams.builder().model(QWEN3).addUserMessage("Say something about cats.")
                .maxCompletionTokens(12).temperature(0.0).logprobs(true).topLogprobs(3);
    }

    /** Each logprob at most 0, each token's alternatives likeliest first and at most as likely as the likeliest. */
    private static void assertSensible(List<ChatCompletionTokenLogprob> tokens) {
        assertFalse(tokens.isEmpty());
        for (ChatCompletionTokenLogprob token : tokens) {
            assertTrue(token.logprob() <= 0, token::toString);
            List<ChatCompletionTokenLogprob.TopLogprob> top = token.topLogprobs();
            assertEquals(3, top.size(), token::toString);
            for (int i = 1; i < top.size(); i++) {
                assertTrue(top.get(i - 1).logprob() >= top.get(i).logprob(), token::toString);
            }
            assertTrue(token.logprob() <= top.get(0).logprob(), token::toString);
        }
    }

    private static String submit(String body) {
        return http.submit(body);
    }

    private static void await(String what, BooleanSupplier condition) {
        Waits.until(what, DEADLINE, condition, () -> "worker log:\n" + stack.workers().get(0).tail(60));
    }
}
