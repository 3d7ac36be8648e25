package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads a chat job from a JSON body and checks it, naming the first field that is wrong. Reading the JSON tree by
 * hand, rather than binding it to a class, keeps Jackson's coercions out ({@code "5"} is not a number here,
 * {@code 5} is not a string) and lets every error name its exact field. A field it does not honour ({@code n > 1},
 * audio, a field it does not know) is refused rather than silently dropped ({@link ChatRequestFields}). Both APIs
 * read the same body: OpenAI's chat completion request.
 */
public final class JobRequestReader {

    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;
    static final double MAX_TEMPERATURE = 2.0;
    /** OpenAI's name for the system role in its newer models; stored as {@code system}. */
    static final String DEVELOPER_ROLE = "developer";

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
        ChatRequestFields.refuseWhatIsNotHonoured(body, model);
        List<ChatMessage> messages = messages(body.get("messages"));
        // OpenAI renamed max_tokens; its newer clients send max_completion_tokens, which wins when both are there.
        int maxTokens = absent(body.get("max_completion_tokens"))
                ? maxTokens(body.get("max_tokens"), "max_tokens")
                : maxTokens(body.get("max_completion_tokens"), "max_completion_tokens");
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
        boolean stream = flag(body.get("stream"), "stream");
        requireOneChoice(body.get("n"));
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop, stream,
                GenerationOptionsReader.read(body));
    }

    /** Whether a streaming client asked for a last chunk with the usage ({@code stream_options.include_usage}). */
    public static boolean streamIncludesUsage(JsonNode body) {
        JsonNode options = body == null ? null : body.get("stream_options");
        if (absent(options)) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiException.invalid("stream_options", "stream_options must be an object, not " + kind(options));
        }
        return flag(options.get("include_usage"), "stream_options.include_usage");
    }

    private static boolean flag(JsonNode node, String field) {
        if (absent(node)) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalid(field, field + " must be true or false, not " + kind(node));
        }
        return node.booleanValue();
    }

    private static void requireOneChoice(JsonNode node) {
        if (!absent(node) && !(node.isIntegralNumber() && node.canConvertToInt() && node.intValue() == 1)) {
            throw ApiException.invalid("n", "n must be 1: rigpool makes one choice per request");
        }
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
            if (role.equals(DEVELOPER_ROLE)) {
                role = "system";
            } else if (!ChatMessage.ROLES.contains(role)) {
                TreeSet<String> known = new TreeSet<>(ChatMessage.ROLES);
                known.add(DEVELOPER_ROLE);
                throw ApiException.invalid(roleField, roleField + " must be one of " + known + ", not '" + role
                        + "'");
            }
            messages.add(message(message, field, role));
        }
        return messages;
    }

    /**
     * An assistant turn may hold calls of tools instead of text (its content then null), and a tool turn names the
     * call it answers.
     */
    private static ChatMessage message(JsonNode message, String field, String role) {
        JsonNode calls = message.get("tool_calls");
        String callsField = FieldPath.member(field, "tool_calls");
        List<ToolCall> toolCalls = List.of();
        if (!absent(calls)) {
            if (!role.equals("assistant")) {
                throw ApiException.invalid(callsField, callsField + ": only assistant messages hold tool_calls");
            }
            toolCalls = ToolsReader.toolCalls(calls, callsField);
        }
        String toolCallId = role.equals(ChatMessage.TOOL)
                ? requiredString(message.get("tool_call_id"), FieldPath.member(field, "tool_call_id")) : null;
        String content = !toolCalls.isEmpty() && absent(message.get("content"))
                ? "" : content(message.get("content"), FieldPath.member(field, "content"));
        return new ChatMessage(role, content, toolCalls, toolCallId);
    }

    /** A string, or OpenAI's list of parts where every part is text: {@code [{"type": "text", "text": "..."}]}. */
    private static String content(JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            return requiredString(node, field);
        }
        if (node.isEmpty()) {
            throw ApiException.invalid(field, field + " must hold at least one text part");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < node.size(); i++) {
            String partField = FieldPath.element(field, i);
            JsonNode part = node.get(i);
            if (!part.isObject()) {
                throw ApiException.invalid(partField, partField + " must be an object {type, text}, not "
                        + kind(part));
            }
            String type = requiredString(part.get("type"), FieldPath.member(partField, "type"));
            if (!type.equals("text")) {
                throw ApiException.invalid(FieldPath.member(partField, "type"), FieldPath.member(partField, "type")
                        + " must be 'text': rigpool's models read text only, not '" + type + "'");
            }
            if (i > 0) {
                text.append('\n');
            }
            text.append(requiredString(part.get("text"), FieldPath.member(partField, "text")));
        }
        return text.toString();
    }

    private int maxTokens(JsonNode node, String field) {
        if (absent(node)) {
            return defaultMaxTokens;
        }
        String rule = field + " must be an integer from 1 to " + maxTokensLimit;
        if (!node.isIntegralNumber()) {
            throw ApiException.invalid(field, rule + ", not " + kind(node));
        }
        if (!node.canConvertToInt() || node.intValue() < 1 || node.intValue() > maxTokensLimit) {
            throw ApiException.invalid(field, rule + ", not " + node.asText());
        }
        return node.intValue();
    }

    static double number(JsonNode node, String field, double fallback) {
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
        return withoutNul(node.textValue(), field);
    }

    static String requiredString(JsonNode node, String field) {
        if (absent(node)) {
            throw ApiException.invalid(field, field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.invalid(field, field + " must be a string, not " + kind(node));
        }
        return withoutNul(node.textValue(), field);
    }

    /** PostgreSQL cannot store U+0000 in text or JSON, and no chat template has a use for it. */
    private static String withoutNul(String text, String field) {
        if (text.indexOf('\u0000') >= 0) {
            throw ApiException.invalid(field, field + " must not contain the character U+0000");
        }
        return text;
    }

    /** JSON null counts as left out, as OpenAI's clients send explicit nulls for unset options. */
    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String kind(JsonNode node) {
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
