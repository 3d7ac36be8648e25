package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads a chat job from a JSON body and checks it, naming the first field that is wrong. Reading the JSON tree by
 * hand, rather than binding it to a class, keeps Jackson's coercions out ({@code "5"} is not a number here,
 * {@code 5} is not a string) and lets every error name its exact field. Fields it does not know are ignored, as
 * OpenAI clients send more than this API uses.
 */
public final class JobRequestReader {

    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;
    static final double MAX_TEMPERATURE = 2.0;

    private final int maxTokensLimit;
    private final int defaultMaxTokens;
    private final double defaultTemperature;
    private final double defaultTopP;

    public JobRequestReader(int maxTokensLimit, int defaultMaxTokens, double defaultTemperature, double defaultTopP) {
        this.maxTokensLimit = maxTokensLimit;
        // A default above the limit would refuse every request that leaves max_tokens out.
        this.defaultMaxTokens = Math.min(defaultMaxTokens, maxTokensLimit);
        this.defaultTemperature = defaultTemperature;
        this.defaultTopP = defaultTopP;
    }

    /** @throws ApiException (400) naming the first field that is wrong */
    public JobSpec read(JsonNode body) {
        if (body == null || body.isMissingNode() || !body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object, not " + kind(body));
        }
        String model = requiredString(body.get("model"), "model");
        if (model.isBlank()) {
            throw ApiException.invalid("model", "model must not be empty");
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        int maxTokens = maxTokens(body.get("max_tokens"));
        double temperature = number(body.get("temperature"), "temperature", defaultTemperature);
        if (temperature < 0 || temperature > MAX_TEMPERATURE) {
            throw ApiException.invalid("temperature", "temperature must be between 0 and 2, not " + temperature);
        }
        double topP = number(body.get("top_p"), "top_p", defaultTopP);
        if (topP <= 0 || topP > 1) {
            throw ApiException.invalid("top_p", "top_p must be greater than 0 and at most 1, not " + topP);
        }
        Long seed = seed(body.get("seed"));
        List<String> stop = stop(body.get("stop"));
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop);
    }

    private List<ChatMessage> messages(JsonNode node) {
        if (absent(node)) {
            throw ApiException.invalid("messages", "messages is required: a list of {role, content}");
        }
        if (!node.isArray()) {
            throw ApiException.invalid("messages", "messages must be an array, not " + kind(node));
        }
        if (node.isEmpty()) {
            throw ApiException.invalid("messages", "messages must not be empty");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String field = FieldPath.element("messages", i);
            JsonNode message = node.get(i);
            if (!message.isObject()) {
                throw ApiException.invalid(field, field + " must be an object with role and content, not "
                        + kind(message));
            }
            String roleField = FieldPath.member(field, "role");
            String role = requiredString(message.get("role"), roleField);
            if (!ChatMessage.ROLES.contains(role)) {
                throw ApiException.invalid(roleField, roleField + " must be one of "
                        + new TreeSet<>(ChatMessage.ROLES) + ", not '" + role + "'");
            }
            String content = requiredString(message.get("content"), FieldPath.member(field, "content"));
            messages.add(new ChatMessage(role, content));
        }
        return messages;
    }

    private int maxTokens(JsonNode node) {
        if (absent(node)) {
            return defaultMaxTokens;
        }
        String rule = "max_tokens must be an integer from 1 to " + maxTokensLimit;
        if (!node.isIntegralNumber()) {
            throw ApiException.invalid("max_tokens", rule + ", not " + kind(node));
        }
        if (!node.canConvertToInt() || node.intValue() < 1 || node.intValue() > maxTokensLimit) {
            throw ApiException.invalid("max_tokens", rule + ", not " + node.asText());
        }
        return node.intValue();
    }

    private static double number(JsonNode node, String field, double fallback) {
        if (absent(node)) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw ApiException.invalid(field, field + " must be a number, not " + kind(node));
        }
        return node.doubleValue();
    }

    private static Long seed(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid("seed", "seed must be a 64-bit integer, not " + kind(node));
        }
        return node.longValue();
    }

    private static List<String> stop(JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(nonEmptyStop(node, "stop"));
        }
        if (!node.isArray()) {
            throw ApiException.invalid("stop", "stop must be a string or an array of strings, not " + kind(node));
        }
        if (node.size() > MAX_STOP_SEQUENCES) {
            throw ApiException.invalid("stop", "stop may hold at most " + MAX_STOP_SEQUENCES + " sequences");
        }
        List<String> stop = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String field = FieldPath.element("stop", i);
            if (!node.get(i).isTextual()) {
                throw ApiException.invalid(field, field + " must be a string, not " + kind(node.get(i)));
            }
            stop.add(nonEmptyStop(node.get(i), field));
        }
        return stop;
    }

    private static String nonEmptyStop(JsonNode node, String field) {
        if (node.textValue().isEmpty()) {
            throw ApiException.invalid(field, field + " must not be empty");
        }
        return node.textValue();
    }

    private static String requiredString(JsonNode node, String field) {
        if (absent(node)) {
            throw ApiException.invalid(field, field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.invalid(field, field + " must be a string, not " + kind(node));
        }
        return node.textValue();
    }

    /** JSON null counts as left out, as OpenAI's clients send explicit nulls for unset options. */
    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a fraction";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
