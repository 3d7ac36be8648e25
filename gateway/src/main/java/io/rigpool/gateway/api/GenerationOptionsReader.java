package io.rigpool.gateway.api;

import static io.rigpool.gateway.api.JobRequestReader.absent;
import static io.rigpool.gateway.api.JobRequestReader.kind;
import static io.rigpool.gateway.api.JobRequestReader.number;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.ResponseFormat;
import io.rigpool.gateway.jobs.Tools;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the options of a chat request beyond the basic sampling ones — penalties, {@code logit_bias},
 * {@code response_format}, {@code logprobs}, tools ({@link ToolsReader}) — with OpenAI's ranges. Whether the model's
 * engine can give logprobs and call tools is checked against the catalogue afterwards ({@link JobRequestCheck}).
 */
final class GenerationOptionsReader {

    /** OpenAI's range for presence_penalty and frequency_penalty. */
    static final double MAX_PENALTY = 2.0;
    /** llama.cpp's repeat penalty divides a repeated token's logit; above 2 it all but bans every repeat. */
    static final double MAX_REPEAT_PENALTY = 2.0;
    static final double MAX_LOGIT_BIAS = 100.0;
    /** More biased tokens than any use needs; keeps one request from carrying a vocabulary-sized map. */
    static final int MAX_LOGIT_BIAS_ENTRIES = 1024;
    static final int MAX_TOP_LOGPROBS = 20;
    /** OpenAI's rule for a json_schema's name. */
    static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> JSON_SCHEMA_MEMBERS = Set.of("name", "schema", "strict");

    private GenerationOptionsReader() {
    }

    static GenerationOptions read(JsonNode body) {
        boolean logprobs = logprobs(body.get("logprobs"));
        int topLogprobs = topLogprobs(body, logprobs);
        ResponseFormat format = responseFormat(body.get("response_format"));
        Tools tools = ToolsReader.read(body);
        if (tools != null && !tools.choice().equals(Tools.NONE) && format.constrained()) {
            // llama.cpp holds an answer to one grammar: the tool call's, or the response format's.
            throw ChatRequestFields.unsupported("response_format", "response_format " + format.type() + " cannot"
                    + " be combined with tools: leave one out, or set tool_choice to 'none'");
        }
        if (tools != null && logprobs) {
            // llama-server streams no token probabilities for an answer it parses for calls, and the runner streams.
            throw ChatRequestFields.unsupported("logprobs", "logprobs cannot be combined with tools: the engine"
                    + " that calls tools (llama-server) reports no token probabilities for an answer it parses for"
                    + " calls; leave one out");
        }
        return new GenerationOptions(
                penalty(body.get("presence_penalty"), "presence_penalty"),
                penalty(body.get("frequency_penalty"), "frequency_penalty"),
                repeatPenalty(body.get("repeat_penalty")),
                logitBias(body.get("logit_bias")),
                format, logprobs, topLogprobs, tools);
    }

    /** OpenAI's rule: top_logprobs 1..20 needs logprobs true; 0 asks for the sampled tokens alone. */
    private static int topLogprobs(JsonNode body, boolean logprobs) {
        JsonNode top = body.get("top_logprobs");
        if (absent(top)) {
            return 0;
        }
        if (!(top.isIntegralNumber() && top.canConvertToInt() && top.intValue() >= 0
                && top.intValue() <= MAX_TOP_LOGPROBS)) {
            throw ApiException.invalid("top_logprobs", "top_logprobs must be an integer from 0 to "
                    + MAX_TOP_LOGPROBS + ", not " + (top.isNumber() ? top.asText() : kind(top)));
        }
        if (top.intValue() > 0 && !logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs: true");
        }
        return top.intValue();
    }

    private static boolean logprobs(JsonNode node) {
        if (absent(node)) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalid("logprobs", "logprobs must be true or false, not " + kind(node));
        }
        return node.booleanValue();
    }

    private static double penalty(JsonNode node, String field) {
        double value = number(node, field, 0);
        if (value < -MAX_PENALTY || value > MAX_PENALTY) {
            throw ApiException.invalid(field, field + " must be between -2 and 2, not " + node.asText());
        }
        return value;
    }

    private static Double repeatPenalty(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        double value = number(node, "repeat_penalty", 1);
        if (value <= 0 || value > MAX_REPEAT_PENALTY) {
            throw ApiException.invalid("repeat_penalty", "repeat_penalty must be greater than 0 and at most 2 (1"
                    + " is none), not " + node.asText());
        }
        return value;
    }

    private static Map<Integer, Double> logitBias(JsonNode node) {
        if (absent(node)) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.invalid("logit_bias", "logit_bias must be an object mapping token ids to biases,"
                    + " not " + kind(node));
        }
        if (node.size() > MAX_LOGIT_BIAS_ENTRIES) {
            throw ApiException.invalid("logit_bias", "logit_bias may hold at most " + MAX_LOGIT_BIAS_ENTRIES
                    + " tokens, not " + node.size());
        }
        Map<Integer, Double> bias = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String field = FieldPath.member("logit_bias", entry.getKey());
            int token;
            try {
                token = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                token = -1;
            }
            if (token < 0 || !entry.getKey().equals(Integer.toString(token))) {
                throw ApiException.invalid(field, field + " is not a token id: logit_bias keys are integers from"
                        + " 0, as strings");
            }
            double value = number(entry.getValue(), field, 0);
            if (value < -MAX_LOGIT_BIAS || value > MAX_LOGIT_BIAS) {
                throw ApiException.invalid(field, field + " must be between -100 and 100, not "
                        + entry.getValue().asText());
            }
            bias.put(token, value);
        }
        return bias;
    }

    private static ResponseFormat responseFormat(JsonNode node) {
        if (absent(node)) {
            return ResponseFormat.TEXT;
        }
        if (!node.isObject()) {
            throw ApiException.invalid("response_format", "response_format must be an object with a type, not "
                    + kind(node));
        }
        String type = JobRequestReader.requiredString(node.get("type"), "response_format.type");
        Set<String> members = switch (type) {
            case ResponseFormat.TEXT_TYPE, ResponseFormat.JSON_OBJECT_TYPE -> Set.of("type");
            case ResponseFormat.JSON_SCHEMA_TYPE -> Set.of("type", ResponseFormat.JSON_SCHEMA_TYPE);
            default -> throw ApiException.invalid("response_format.type", "response_format.type must be one of"
                    + " [text, json_object, json_schema], not '" + type + "'");
        };
        refuseOthers(node, members, "response_format");
        return switch (type) {
            case ResponseFormat.TEXT_TYPE -> ResponseFormat.TEXT;
            case ResponseFormat.JSON_OBJECT_TYPE -> ResponseFormat.JSON_OBJECT;
            default -> jsonSchema(node.get(ResponseFormat.JSON_SCHEMA_TYPE));
        };
    }

    private static ResponseFormat jsonSchema(JsonNode node) {
        String field = "response_format.json_schema";
        if (absent(node) || !node.isObject()) {
            throw ApiException.invalid(field, field + " must be an object {name, schema}, not " + kind(node));
        }
        refuseOthers(node, JSON_SCHEMA_MEMBERS, field);
        String name = JobRequestReader.requiredString(node.get("name"), FieldPath.member(field, "name"));
        if (!SCHEMA_NAME.matcher(name).matches()) {
            throw ApiException.invalid(FieldPath.member(field, "name"), field + ".name must be 1 to 64 letters,"
                    + " digits, '_' or '-', not '" + name + "'");
        }
        JsonNode strict = node.get("strict");
        if (!absent(strict) && !strict.isBoolean()) {
            throw ApiException.invalid(FieldPath.member(field, "strict"), field + ".strict must be true or false");
        }
        String schemaField = FieldPath.member(field, "schema");
        JsonNode schema = node.get("schema");
        if (absent(schema)) {
            throw ApiException.invalid(schemaField, schemaField + " is required: the JSON Schema the answer must"
                    + " satisfy");
        }
        String enforced = JsonSchemaSubset.check(schema, schemaField).toString();
        return new ResponseFormat(ResponseFormat.JSON_SCHEMA_TYPE, name,
                absent(strict) ? null : strict.booleanValue(), schema.toString(), enforced);
    }

    static void refuseOthers(JsonNode node, Set<String> members, String field) {
        node.fieldNames().forEachRemaining(member -> {
            if (!members.contains(member)) {
                throw ChatRequestFields.unsupported(FieldPath.member(field, member), FieldPath.member(field, member)
                        + " is not honoured by rigpool; " + field + " may hold " + new TreeSet<>(members));
            }
        });
    }
}
