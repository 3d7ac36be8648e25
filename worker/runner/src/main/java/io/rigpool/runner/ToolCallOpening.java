package io.rigpool.runner;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How the model's chat template opens a call of a tool ({@code <tool_call>\n} for Qwen and Hermes), found by letting
 * llama-server render a chat with a call and one without. llama-server's grammar for a forced call ({@code required})
 * lets the model write text before the call, as real models like to; a runner that must make the answer a call
 * starts the assistant's turn with this opening, so the grammar holds the answer to the call from the first token.
 * Empty when the renderings do not show it plainly (a template that opens the turn with a thinking block): the
 * forced call then keeps llama-server's own behaviour.
 */
final class ToolCallOpening {

    /** A name no real function has, so finding it in the rendering means the call. */
    static final String PROBE_FUNCTION = "rigpool_probe_function";

    private ToolCallOpening() {
    }

    static String find(HttpClient http, URI base) {
        try {
            String without = render(http, base, false);
            String with = render(http, base, true);
            return between(without, with);
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * The text a turn with a call has after the generation prompt and before the call's JSON or the function's
     * name; empty when the chat with the call does not begin with the prompt that asks for the turn.
     */
    static String between(String generationPrompt, String withCall) {
        if (generationPrompt.isEmpty() || !withCall.startsWith(generationPrompt)) {
            return "";
        }
        String turn = withCall.substring(generationPrompt.length());
        int json = turn.indexOf('{');
        int name = turn.indexOf(PROBE_FUNCTION);
        int end = json < 0 ? name : name < 0 ? json : Math.min(json, name);
        return end <= 0 ? "" : turn.substring(0, end);
    }

    private static String render(HttpClient http, URI base, boolean withCall) throws IOException,
            InterruptedException {
        JsonArray messages = new JsonArray();
        messages.add(message("user", "x"));
        if (withCall) {
            JsonObject function = new JsonObject();
            function.addProperty("name", PROBE_FUNCTION);
            function.addProperty("arguments", "{}");
            JsonObject call = new JsonObject();
            call.addProperty("id", "probe");
            call.addProperty("type", "function");
            call.add("function", function);
            JsonArray calls = new JsonArray();
            calls.add(call);
            JsonObject assistant = message("assistant", "");
            assistant.add("tool_calls", calls);
            messages.add(assistant);
            // llama-server refuses to end a chat on a turn with calls (it would have to continue it).
            messages.add(message("user", "y"));
        }
        JsonObject parameters = new JsonObject();
        parameters.addProperty("type", "object");
        parameters.add("properties", new JsonObject());
        JsonObject declared = new JsonObject();
        declared.addProperty("name", PROBE_FUNCTION);
        declared.add("parameters", parameters);
        JsonObject tool = new JsonObject();
        tool.addProperty("type", "function");
        tool.add("function", declared);
        JsonArray tools = new JsonArray();
        tools.add(tool);
        JsonObject body = new JsonObject();
        body.add("messages", messages);
        body.add("tools", tools);
        body.addProperty("add_generation_prompt", !withCall);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/apply-template"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("apply-template answered " + response.statusCode());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject().get("prompt").getAsString();
    }

    private static JsonObject message(String role, String content) {
        JsonObject m = new JsonObject();
        m.addProperty("role", role);
        m.addProperty("content", content);
        return m;
    }
}
