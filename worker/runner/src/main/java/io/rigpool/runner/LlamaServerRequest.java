package io.rigpool.runner;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.GenerationOptions;
import io.rigpool.proto.v1.ToolCall;

/**
 * A runner request as the body of llama-server's {@code POST /v1/chat/completions}, streamed. Each option is sent
 * only when the request sets it, so that an unset one means what it means for java-llama.cpp: llama.cpp's default.
 */
final class LlamaServerRequest {

    /** OpenAI's most alternatives per token. */
    static final int MAX_TOP_LOGPROBS = 20;

    private LlamaServerRequest() {
    }

    /** @param toolCallOpening how the model's template opens a call ({@link ToolCallOpening}); may be empty */
    static JsonObject body(GenerateRequest request, int vocabularySize, String toolCallOpening) {
        JsonObject body = new JsonObject();
        JsonArray messages = new JsonArray();
        for (ChatMessage m : request.getMessagesList()) {
            messages.add(message(m));
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("messages: at least one user or assistant message is needed");
        }
        body.add("messages", messages);
        body.addProperty("stream", true);
        JsonObject streamOptions = new JsonObject();
        streamOptions.addProperty("include_usage", true);
        body.add("stream_options", streamOptions);
        // Counts in every chunk, so a cancelled generation still knows its prompt and completion tokens.
        body.addProperty("timings_per_token", true);
        if (request.getMaxTokens() < 0) {
            throw new InvalidRequestException("max_tokens: must not be negative, was " + request.getMaxTokens());
        }
        // 0 means "as many as the slot holds": llama-server stops at the end of the slot's context by itself.
        if (request.getMaxTokens() > 0) {
            body.addProperty("max_tokens", request.getMaxTokens());
        }
        body.addProperty("temperature", Math.max(0f, request.getTemperature()));
        if (request.getTopP() > 0f && request.getTopP() < 1f) {
            body.addProperty("top_p", request.getTopP());
        }
        if (request.getHasSeed()) {
            // llama.cpp seeds are 32-bit, as in the java-llama.cpp engine: the low 32 bits, unsigned.
            body.addProperty("seed", Integer.toUnsignedLong((int) request.getSeed()));
        }
        if (request.getStopCount() > 0) {
            JsonArray stop = new JsonArray();
            request.getStopList().forEach(stop::add);
            body.add("stop", stop);
        }
        if (request.hasOptions()) {
            addOptions(body, request.getOptions(), vocabularySize);
            if (forcesACall(request.getOptions()) && !toolCallOpening.isEmpty()
                    && !request.getMessages(request.getMessagesCount() - 1).getRole().equals("assistant")) {
                // The assistant's turn begins with the call's opening, and llama-server continues it: the grammar
                // of the forced call then holds the answer from its first token (see ToolCallOpening).
                JsonObject opening = new JsonObject();
                opening.addProperty("role", "assistant");
                opening.addProperty("content", toolCallOpening);
                messages.add(opening);
            }
        }
        return body;
    }

    private static boolean forcesACall(GenerationOptions options) {
        return !options.getToolsJson().isEmpty()
                && (options.getToolChoice().equals("required") || options.getToolChoice().equals("function"));
    }

    private static JsonObject message(ChatMessage m) {
        JsonObject message = new JsonObject();
        message.addProperty("role", m.getRole());
        message.addProperty("content", m.getContent());
        if (m.getToolCallsCount() > 0) {
            JsonArray calls = new JsonArray();
            for (ToolCall call : m.getToolCallsList()) {
                JsonObject function = new JsonObject();
                function.addProperty("name", call.getName());
                function.addProperty("arguments", call.getArguments());
                JsonObject wire = new JsonObject();
                wire.addProperty("id", call.getId());
                wire.addProperty("type", "function");
                wire.add("function", function);
                calls.add(wire);
            }
            message.add("tool_calls", calls);
        }
        if (!m.getToolCallId().isEmpty()) {
            message.addProperty("tool_call_id", m.getToolCallId());
        }
        return message;
    }

    /**
     * llama-server computes no probabilities at all for {@code top_logprobs: 0}, so it is asked for one and the
     * gateway's count is cut back to ({@link LlamaServerStream} keeps {@code top_logprobs} of them).
     */
    private static void addLogprobs(JsonObject body, GenerationOptions options) {
        if (options.getTopLogprobs() < 0 || options.getTopLogprobs() > MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("top_logprobs: must be from 0 to " + MAX_TOP_LOGPROBS + ", was "
                    + options.getTopLogprobs());
        }
        body.addProperty("logprobs", true);
        body.addProperty("top_logprobs", Math.max(1, options.getTopLogprobs()));
    }

    /**
     * llama-server takes tool_choice as a word only; a function named by the client is forced by offering the
     * model that function alone and requiring a call, which its grammar then holds the answer to.
     */
    private static void addTools(JsonObject body, GenerationOptions options) {
        JsonArray tools;
        try {
            tools = JsonParser.parseString(options.getToolsJson()).getAsJsonArray();
        } catch (RuntimeException e) {
            throw new InvalidRequestException("tools: not a JSON array: " + e.getMessage());
        }
        String choice = options.getToolChoice().isEmpty() ? "auto" : options.getToolChoice();
        if (choice.equals("function")) {
            JsonArray named = new JsonArray();
            for (var tool : tools) {
                JsonObject function = tool.getAsJsonObject().getAsJsonObject("function");
                if (function != null && options.getToolChoiceFunction().equals(function.get("name").getAsString())) {
                    named.add(tool);
                }
            }
            if (named.isEmpty()) {
                throw new InvalidRequestException("tool_choice: names function '" + options.getToolChoiceFunction()
                        + "', which is not among the tools");
            }
            tools = named;
            choice = "required";
        }
        body.add("tools", tools);
        body.addProperty("tool_choice", choice);
        body.addProperty("parallel_tool_calls", options.getParallelToolCalls());
    }

    private static void addOptions(JsonObject body, GenerationOptions options, int vocabularySize) {
        if (options.getLogprobs()) {
            addLogprobs(body, options);
        }
        if (!options.getToolsJson().isEmpty()) {
            addTools(body, options);
        }
        if (options.getPresencePenalty() != 0f) {
            body.addProperty("presence_penalty", options.getPresencePenalty());
        }
        if (options.getFrequencyPenalty() != 0f) {
            body.addProperty("frequency_penalty", options.getFrequencyPenalty());
        }
        if (options.getRepeatPenalty() > 0f) {
            body.addProperty("repeat_penalty", options.getRepeatPenalty());
        }
        if (options.getLogitBiasCount() > 0) {
            Generation.checkLogitBias(options.getLogitBiasMap().keySet(), vocabularySize);
            JsonObject bias = new JsonObject();
            options.getLogitBiasMap().forEach((token, value) -> bias.addProperty(Integer.toString(token), value));
            body.add("logit_bias", bias);
        }
        if (!options.getJsonSchema().isEmpty()) {
            JsonObject schema = new JsonObject();
            schema.add("schema", JsonParser.parseString(options.getJsonSchema()));
            JsonObject format = new JsonObject();
            format.addProperty("type", "json_schema");
            format.add("json_schema", schema);
            body.add("response_format", format);
        }
    }
}
