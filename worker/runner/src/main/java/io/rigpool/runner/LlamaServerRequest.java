package io.rigpool.runner;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.GenerationOptions;

/**
 * A runner request as the body of llama-server's {@code POST /v1/chat/completions}, streamed. Each option is sent
 * only when the request sets it, so that an unset one means what it means for java-llama.cpp: llama.cpp's default.
 */
final class LlamaServerRequest {

    private LlamaServerRequest() {
    }

    static JsonObject body(GenerateRequest request, int vocabularySize) {
        JsonObject body = new JsonObject();
        JsonArray messages = new JsonArray();
        for (ChatMessage m : request.getMessagesList()) {
            JsonObject message = new JsonObject();
            message.addProperty("role", m.getRole());
            message.addProperty("content", m.getContent());
            messages.add(message);
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
        }
        return body;
    }

    private static void addOptions(JsonObject body, GenerationOptions options, int vocabularySize) {
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
