package io.rigpool.gateway.api;

import static io.rigpool.gateway.api.JobRequestReader.absent;
import static io.rigpool.gateway.api.JobRequestReader.kind;
import static io.rigpool.gateway.api.JobRequestReader.requiredString;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.gateway.jobs.ToolCall;
import io.rigpool.gateway.jobs.Tools;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads OpenAI's tools from a chat request — {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} — and
 * the calls of tools in an assistant message. A function's parameters must be a schema llama.cpp's grammar
 * converter expresses exactly ({@link JsonSchemaSubset}), since a forced call is held to that grammar.
 */
final class ToolsReader {

    /** OpenAI's rule for a function's name. */
    static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** More functions than any agent offers at once; keeps one request from carrying a catalogue. */
    static final int MAX_TOOLS = 128;
    private static final Set<String> TOOL_MEMBERS = Set.of("type", "function");
    private static final Set<String> FUNCTION_MEMBERS = Set.of("name", "description", "parameters", "strict");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolsReader() {
    }

    /** The tools offered, or null when none are ({@code tools} left out or empty, and no tool_choice asking for one). */
    static Tools read(JsonNode body) {
        JsonNode tools = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        JsonNode parallel = body.get("parallel_tool_calls");
        if (!absent(parallel) && !parallel.isBoolean()) {
            throw ApiException.invalid("parallel_tool_calls", "parallel_tool_calls must be true or false, not "
                    + kind(parallel));
        }
        if (absent(tools) || (tools.isArray() && tools.isEmpty())) {
            if (!absent(choice) && !(choice.isTextual() && choice.textValue().equals(Tools.NONE))) {
                throw ApiException.invalid("tool_choice", "tool_choice needs tools: the request offers none");
            }
            if (!absent(parallel)) {
                throw ApiException.invalid("parallel_tool_calls", "parallel_tool_calls needs tools: the request"
                        + " offers none");
            }
            return null;
        }
        if (!tools.isArray()) {
            throw ApiException.invalid("tools", "tools must be an array of {type: function, function}, not "
                    + kind(tools));
        }
        if (tools.size() > MAX_TOOLS) {
            throw ApiException.invalid("tools", "tools may hold at most " + MAX_TOOLS + " functions, not "
                    + tools.size());
        }
        ArrayNode checked = JsonNodeFactory.instance.arrayNode();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            String field = FieldPath.element("tools", i);
            ObjectNode tool = tool(tools.get(i), field);
            String name = tool.get("function").get("name").textValue();
            if (!names.add(name)) {
                throw ApiException.invalid(FieldPath.member(field, "function.name"), "tools name function '" + name
                        + "' twice");
            }
            checked.add(tool);
        }
        String[] chosen = choice(choice, names);
        boolean parallelCalls = absent(parallel) || parallel.booleanValue();
        return new Tools(checked.toString(), chosen[0], chosen[1], parallelCalls);
    }

    private static ObjectNode tool(JsonNode node, String field) {
        if (!node.isObject()) {
            throw ApiException.invalid(field, field + " must be an object {type: function, function}, not "
                    + kind(node));
        }
        GenerationOptionsReader.refuseOthers(node, TOOL_MEMBERS, field);
        String type = requiredString(node.get("type"), FieldPath.member(field, "type"));
        if (!type.equals("function")) {
            throw ApiException.invalid(FieldPath.member(field, "type"), FieldPath.member(field, "type")
                    + " must be 'function', not '" + type + "'");
        }
        String functionField = FieldPath.member(field, "function");
        JsonNode function = node.get("function");
        if (absent(function) || !function.isObject()) {
            throw ApiException.invalid(functionField, functionField + " must be an object {name, description,"
                    + " parameters}, not " + kind(function));
        }
        GenerationOptionsReader.refuseOthers(function, FUNCTION_MEMBERS, functionField);
        String nameField = FieldPath.member(functionField, "name");
        String name = requiredString(function.get("name"), nameField);
        if (!FUNCTION_NAME.matcher(name).matches()) {
            throw ApiException.invalid(nameField, nameField + " must be 1 to 64 letters, digits, '_' or '-', not '"
                    + name + "'");
        }
        JsonNode description = function.get("description");
        if (!absent(description)) {
            requiredString(description, FieldPath.member(functionField, "description"));
        }
        JsonNode strict = function.get("strict");
        if (!absent(strict) && !strict.isBoolean()) {
            throw ApiException.invalid(FieldPath.member(functionField, "strict"), functionField
                    + ".strict must be true or false");
        }
        JsonNode parameters = function.get("parameters");
        if (!absent(parameters)) {
            JsonSchemaSubset.check(parameters, FieldPath.member(functionField, "parameters"));
        }
        return (ObjectNode) node;
    }

    /** {choice, function}: a word, or "function" and the name a {@code {type: function, function: {name}}} gives. */
    private static String[] choice(JsonNode node, Set<String> names) {
        if (absent(node)) {
            return new String[] {Tools.AUTO, null};
        }
        if (node.isTextual()) {
            String word = node.textValue();
            if (!Set.of(Tools.AUTO, Tools.NONE, Tools.REQUIRED).contains(word)) {
                throw ApiException.invalid("tool_choice", "tool_choice must be 'auto', 'none', 'required' or"
                        + " {type: function, function: {name}}, not '" + word + "'");
            }
            return new String[] {word, null};
        }
        if (!node.isObject() || !"function".equals(node.path("type").textValue())
                || !node.path("function").isObject()) {
            throw ApiException.invalid("tool_choice", "tool_choice must be 'auto', 'none', 'required' or"
                    + " {type: function, function: {name}}, not " + kind(node));
        }
        String name = requiredString(node.get("function").get("name"), "tool_choice.function.name");
        if (!names.contains(name)) {
            throw ApiException.invalid("tool_choice.function.name", "tool_choice.function.name names '" + name
                    + "', a function tools does not offer");
        }
        return new String[] {Tools.FUNCTION, name};
    }

    /** An assistant message's {@code tool_calls}: {@code [{id, type: function, function: {name, arguments}}]}. */
    static List<ToolCall> toolCalls(JsonNode node, String field) {
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalid(field, field + " must be a non-empty array of {id, type, function}, not "
                    + kind(node));
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String callField = FieldPath.element(field, i);
            JsonNode call = node.get(i);
            if (!call.isObject()) {
                throw ApiException.invalid(callField, callField + " must be an object {id, type, function}, not "
                        + kind(call));
            }
            String id = requiredString(call.get("id"), FieldPath.member(callField, "id"));
            JsonNode type = call.get("type");
            if (!absent(type) && !"function".equals(type.textValue())) {
                throw ApiException.invalid(FieldPath.member(callField, "type"), FieldPath.member(callField, "type")
                        + " must be 'function'");
            }
            String functionField = FieldPath.member(callField, "function");
            JsonNode function = call.get("function");
            if (absent(function) || !function.isObject()) {
                throw ApiException.invalid(functionField, functionField + " must be an object {name, arguments}");
            }
            String name = requiredString(function.get("name"), FieldPath.member(functionField, "name"));
            String argumentsField = FieldPath.member(functionField, "arguments");
            String arguments = requiredString(function.get("arguments"), argumentsField);
            try {
                JSON.readTree(arguments);
            } catch (JsonProcessingException e) {
                throw ApiException.invalid(argumentsField, argumentsField + " must be JSON text, as the model wrote"
                        + " it: " + e.getOriginalMessage());
            }
            calls.add(new ToolCall(id, name, arguments));
        }
        return calls;
    }
}
