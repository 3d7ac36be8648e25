package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What rigpool does with each top-level field of a chat request: a field it accepts is honoured, and a field it does
 * not honour is refused with a 400 naming it, never accepted and dropped — a client that asked for something and
 * silently did not get it fails later, far from the cause. Some fields are accepted only with the value that asks
 * for nothing ({@code functions: []}, {@code store: false}), which is what rigpool does anyway.
 */
public final class ChatRequestFields {

    /** OpenAI's code for a parameter a model does not support. */
    public static final String UNSUPPORTED = "unsupported_parameter";

    /** The fields the readers check and carry to the worker (or, for stream_options, to the answer's shape). */
    public static final Set<String> HONOURED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "seed", "stop", "stream", "stream_options", "n", "presence_penalty",
            "frequency_penalty", "repeat_penalty", "logit_bias", "response_format", "logprobs", "top_logprobs",
            "tools", "tool_choice", "parallel_tool_calls");

    private record Refusal(Predicate<JsonNode> asksForNothing, String reason) {
    }

    private static final String USE_TOOLS = "OpenAI deprecated functions and function_call; rigpool takes tools and"
            + " tool_choice";
    private static final Map<String, Refusal> NOT_HONOURED = Map.ofEntries(
            Map.entry("functions", new Refusal(ChatRequestFields::emptyArray, USE_TOOLS)),
            Map.entry("function_call", new Refusal(value -> value.isTextual() && value.textValue().equals("none"),
                    USE_TOOLS)),
            Map.entry("modalities", new Refusal(value -> value.isArray() && value.size() == 1
                    && "text".equals(value.get(0).textValue()), "rigpool's models answer in text only")),
            Map.entry("audio", new Refusal(value -> false, "rigpool's models answer in text only")),
            Map.entry("store", new Refusal(value -> value.isBoolean() && !value.booleanValue(),
                    "rigpool keeps no completions for distillation or evals")),
            Map.entry("metadata", new Refusal(value -> false,
                    "rigpool keeps no completions to tag with metadata")),
            Map.entry("service_tier", new Refusal(value -> value.isTextual()
                    && Set.of("auto", "default").contains(value.textValue()), "rigpool has one service tier")),
            Map.entry("user", new Refusal(value -> false, "rigpool does not track end users")),
            Map.entry("safety_identifier", new Refusal(value -> false, "rigpool does not track end users")),
            Map.entry("prompt_cache_key", new Refusal(value -> false,
                    "rigpool's workers do not route by prompt cache key")),
            Map.entry("reasoning_effort", new Refusal(value -> false,
                    "rigpool's models have no reasoning effort setting")),
            Map.entry("verbosity", new Refusal(value -> false, "rigpool's models have no verbosity setting")),
            Map.entry("prediction", new Refusal(value -> false, "rigpool does not use predicted outputs")),
            Map.entry("web_search_options", new Refusal(value -> false, "rigpool's models cannot search the web")));

    private ChatRequestFields() {
    }

    /**
     * @param model the request's model, for the messages that name it
     * @throws ApiException (400, {@value #UNSUPPORTED}) naming the first field that is not honoured
     */
    public static void refuseWhatIsNotHonoured(JsonNode body, String model) {
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (HONOURED.contains(name) || JobRequestReader.absent(field.getValue())) {
                continue;
            }
            Refusal refusal = NOT_HONOURED.get(name);
            if (refusal == null) {
                throw unsupported(name, name + " is not a field rigpool honours, and rigpool refuses fields rather"
                        + " than ignore them; it honours " + new TreeSet<>(HONOURED));
            }
            if (!refusal.asksForNothing().test(field.getValue())) {
                throw unsupported(name, name + " is not supported: " + refusal.reason().formatted(model));
            }
        }
    }

    /** Every field this class knows, honoured or not. */
    static Set<String> known() {
        Set<String> known = new TreeSet<>(HONOURED);
        known.addAll(NOT_HONOURED.keySet());
        return known;
    }

    static ApiException unsupported(String field, String message) {
        return new ApiException(400, ApiException.INVALID_REQUEST, message, field, UNSUPPORTED, Map.of());
    }

    private static boolean emptyArray(JsonNode value) {
        return value.isArray() && value.isEmpty();
    }
}
