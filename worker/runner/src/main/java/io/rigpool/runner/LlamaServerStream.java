package io.rigpool.runner;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.TextPiece;
import java.util.Optional;

/**
 * Reads llama-server's streamed chat completion, one server-sent-events line at a time: the text of each chunk,
 * its tokens' log probabilities, the calls of tools, the finish reason, and the counts and timings ({@code timings_per_token} puts them in every chunk, the last
 * chunk's {@code usage} has the whole prompt's tokens). Pure: lines in, pieces and a {@link Finished} out.
 */
final class LlamaServerStream {

    private static final String DATA = "data:";
    private static final String DONE = "[DONE]";

    private final int topLogprobs;
    private final ToolCallDeltas toolCalls = new ToolCallDeltas();
    private String finishReason = "";
    private int promptTokens;
    private int completionTokens;
    private int pieces;
    private double promptMs;
    private double decodeMs;
    private boolean done;

    /** @param topLogprobs how many alternatives per token the client asked for (llama-server may send more) */
    LlamaServerStream(int topLogprobs) {
        this.topLogprobs = topLogprobs;
    }

    /**
     * Takes one line of the response body; returns the text and the tokens' log probabilities it adds, if any.
     * Calls of tools are gathered for {@link #finished}.
     *
     * @throws IllegalStateException when the line is an error event or not the JSON llama-server sends
     */
    Optional<TextPiece> accept(String line) {
        if (!line.startsWith(DATA)) {
            // Blank separators between events, and comments.
            return Optional.empty();
        }
        String data = line.substring(DATA.length()).strip();
        if (data.equals(DONE)) {
            done = true;
            return Optional.empty();
        }
        JsonObject chunk;
        try {
            chunk = JsonParser.parseString(data).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalStateException("llama-server sent an event that is not a JSON object: " + data, e);
        }
        if (chunk.has("error")) {
            throw new IllegalStateException("llama-server: " + errorMessage(chunk));
        }
        readCounts(chunk);
        if (!chunk.has("choices") || chunk.getAsJsonArray("choices").isEmpty()) {
            return Optional.empty();
        }
        JsonObject choice = chunk.getAsJsonArray("choices").get(0).getAsJsonObject();
        if (choice.has("finish_reason") && !choice.get("finish_reason").isJsonNull()) {
            finishReason = choice.get("finish_reason").getAsString();
        }
        JsonObject delta = choice.has("delta") && choice.get("delta").isJsonObject()
                ? choice.getAsJsonObject("delta") : new JsonObject();
        if (delta.has("tool_calls") && delta.get("tool_calls").isJsonArray()) {
            toolCalls.add(delta.getAsJsonArray("tool_calls"));
        }
        TextPiece.Builder piece = TextPiece.newBuilder();
        JsonElement content = delta.get("content");
        if (content != null && !content.isJsonNull()) {
            piece.setText(content.getAsString());
        }
        piece.addAllLogprobs(StreamedLogprobs.of(choice, topLogprobs));
        if (piece.getText().isEmpty() && piece.getLogprobsCount() == 0) {
            return Optional.empty();
        }
        if (!piece.getText().isEmpty()) {
            pieces++;
        }
        return Optional.of(piece.build());
    }

    private void readCounts(JsonObject chunk) {
        if (chunk.has("timings") && chunk.get("timings").isJsonObject()) {
            JsonObject t = chunk.getAsJsonObject("timings");
            promptTokens = Math.max(promptTokens, intOf(t, "prompt_n"));
            completionTokens = Math.max(completionTokens, intOf(t, "predicted_n"));
            promptMs = doubleOf(t, "prompt_ms", promptMs);
            decodeMs = doubleOf(t, "predicted_ms", decodeMs);
        }
        if (chunk.has("usage") && chunk.get("usage").isJsonObject()) {
            // The whole prompt, also the part llama-server reused from its cache (timings count only the rest).
            JsonObject u = chunk.getAsJsonObject("usage");
            promptTokens = Math.max(promptTokens, intOf(u, "prompt_tokens"));
            completionTokens = Math.max(completionTokens, intOf(u, "completion_tokens"));
        }
    }

    /** Whether the stream said it ended ({@code [DONE]}). */
    boolean done() {
        return done;
    }

    /** Tokens sampled so far, as far as the chunks tell: their counts, else one per text chunk. */
    int tokensSoFar() {
        return Math.max(completionTokens, pieces);
    }

    Finished finished(boolean cancelled) {
        String reason = cancelled ? Generation.CANCELLED
                : finishReason.isEmpty() ? Generation.STOP : finishReason;
        return Finished.newBuilder()
                .setFinishReason(reason)
                .setPromptTokens(promptTokens)
                .setCompletionTokens(tokensSoFar())
                .setPromptEvalMs(promptMs)
                .setDecodeMs(decodeMs)
                .addAllToolCalls(toolCalls.calls())
                .build();
    }

    static String errorMessage(JsonObject body) {
        JsonElement error = body.get("error");
        if (error != null && error.isJsonObject() && error.getAsJsonObject().has("message")) {
            return error.getAsJsonObject().get("message").getAsString();
        }
        return body.toString();
    }

    private static int intOf(JsonObject o, String field) {
        return o.has(field) && o.get(field).isJsonPrimitive() ? o.get(field).getAsInt() : 0;
    }

    private static double doubleOf(JsonObject o, String field, double otherwise) {
        return o.has(field) && o.get(field).isJsonPrimitive() ? o.get(field).getAsDouble() : otherwise;
    }
}
