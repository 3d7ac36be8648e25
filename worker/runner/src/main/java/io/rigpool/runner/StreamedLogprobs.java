package io.rigpool.runner;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code logprobs.content} of one of llama-server's chat chunks as {@link TokenLogprob}s, which already have
 * OpenAI's shape: {@code {token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}}.
 */
final class StreamedLogprobs {

    private StreamedLogprobs() {
    }

    /** @param top how many alternatives to keep per token, the likeliest first */
    static List<TokenLogprob> of(JsonObject choice, int top) {
        JsonElement logprobs = choice.get("logprobs");
        if (logprobs == null || !logprobs.isJsonObject() || !logprobs.getAsJsonObject().has("content")
                || !logprobs.getAsJsonObject().get("content").isJsonArray()) {
            return List.of();
        }
        List<TokenLogprob> tokens = new ArrayList<>();
        for (JsonElement entry : logprobs.getAsJsonObject().getAsJsonArray("content")) {
            JsonObject token = entry.getAsJsonObject();
            TokenLogprob.Builder out = TokenLogprob.newBuilder()
                    .setToken(string(token, "token"))
                    .setLogprob(token.get("logprob").getAsDouble())
                    .setBytes(bytes(token));
            JsonElement alternatives = token.get("top_logprobs");
            if (alternatives != null && alternatives.isJsonArray()) {
                JsonArray list = alternatives.getAsJsonArray();
                for (int i = 0; i < Math.min(top, list.size()); i++) {
                    JsonObject alternative = list.get(i).getAsJsonObject();
                    out.addTopLogprobs(TopLogprob.newBuilder()
                            .setToken(string(alternative, "token"))
                            .setLogprob(alternative.get("logprob").getAsDouble())
                            .setBytes(bytes(alternative)));
                }
            }
            tokens.add(out.build());
        }
        return tokens;
    }

    private static String string(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "";
    }

    private static ByteString bytes(JsonObject o) {
        JsonElement bytes = o.get("bytes");
        if (bytes == null || !bytes.isJsonArray()) {
            return ByteString.EMPTY;
        }
        byte[] out = new byte[bytes.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) bytes.getAsJsonArray().get(i).getAsInt();
        }
        return ByteString.copyFrom(out);
    }
}
