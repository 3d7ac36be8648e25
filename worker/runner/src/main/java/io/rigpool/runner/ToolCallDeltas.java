package io.rigpool.runner;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rigpool.proto.v1.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts streamed {@code delta.tool_calls} back together: OpenAI's stream sends a call's id, name and the first part
 * of its arguments under its index, then more of the arguments under the same index.
 */
final class ToolCallDeltas {

    private static final class Call {
        private String id = "";
        private String name = "";
        private final StringBuilder arguments = new StringBuilder();
    }

    private final Map<Integer, Call> calls = new TreeMap<>();

    void add(JsonArray deltas) {
        for (JsonElement element : deltas) {
            JsonObject delta = element.getAsJsonObject();
            int index = delta.has("index") ? delta.get("index").getAsInt() : calls.size();
            Call call = calls.computeIfAbsent(index, i -> new Call());
            if (delta.has("id") && !delta.get("id").isJsonNull()) {
                call.id = delta.get("id").getAsString();
            }
            JsonElement function = delta.get("function");
            if (function != null && function.isJsonObject()) {
                JsonObject f = function.getAsJsonObject();
                if (f.has("name") && !f.get("name").isJsonNull()) {
                    call.name += f.get("name").getAsString();
                }
                if (f.has("arguments") && !f.get("arguments").isJsonNull()) {
                    call.arguments.append(f.get("arguments").getAsString());
                }
            }
        }
    }

    /** The calls in index order. */
    List<ToolCall> calls() {
        return calls.values().stream().map(c -> ToolCall.newBuilder().setId(c.id).setName(c.name)
                .setArguments(c.arguments.toString()).build()).toList();
    }
}
