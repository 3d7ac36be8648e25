package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of JSON Schema that llama.cpp's schema-to-grammar converter (build b4916, in java-llama.cpp 4.2.0)
 * enforces exactly, and a check that a client's schema stays inside it. The converter picks one rule per schema
 * (in the order below) and silently ignores every keyword that rule does not read, so a keyword outside the rule
 * would be accepted and not enforced; and a schema it cannot read at all makes it throw a C++ exception that ends
 * the runner process. So every keyword is either enforced or refused here, with its path, before a job is stored.
 *
 * <p>{@link #check} returns the schema without its annotations ({@code title}, {@code description}, ...): they
 * constrain nothing, and a schema of annotations only is one the converter cannot read.
 */
public final class JsonSchemaSubset {

    static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment", "default",
            "examples", "deprecated", "readOnly", "writeOnly");
    static final Set<String> DEFINITIONS = Set.of("$defs", "definitions");
    static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "array", "object");
    /** String formats the converter has a grammar for; others it ignores. */
    static final Set<String> FORMATS = Set.of("date", "time", "date-time", "uuid");
    static final int MAX_DEPTH = 32;
    /** Keywords JSON Schema applies to values of one type only. */
    static final Map<String, Set<String>> TYPE_KEYWORDS = Map.of(
            "string", Set.of("minLength", "maxLength", "pattern", "format"),
            "number", Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
            "array", Set.of("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"),
            "object", Set.of("properties", "required", "additionalProperties", "minProperties", "maxProperties",
                    "patternProperties", "propertyNames"));
    static final String CODE = "unsupported_schema_keyword";
    private static final Pattern LOCAL_REF = Pattern.compile(
            "#/(\\$defs|definitions)/([^/~]+)");

    private final JsonNode root;

    private JsonSchemaSubset(JsonNode root) {
        this.root = root;
    }

    /**
     * @param field where the schema is in the request, for the error's path
     * @return the schema as it is enforced: the same, less its annotations
     * @throws ApiException (400) naming the first keyword that would not be enforced, with its path
     */
    public static ObjectNode check(JsonNode schema, String field) {
        if (schema == null || !schema.isObject()) {
            throw ApiException.invalid(field, field + " must be a JSON Schema object, not "
                    + JobRequestReader.kind(schema));
        }
        return new JsonSchemaSubset(schema).visit(schema, field, 0);
    }

    private ObjectNode visit(JsonNode schema, String path, int depth) {
        if (!schema.isObject()) {
            throw refused(path, path + " must be a schema object; rigpool's grammar converter reads no "
                    + JobRequestReader.kind(schema) + " there");
        }
        if (depth > MAX_DEPTH) {
            throw refused(path, path + " nests deeper than " + MAX_DEPTH + " schemas");
        }
        JsonNode format = schema.get("format");
        if (format != null && !format.isTextual()) {
            throw refused(FieldPath.member(path, "format"), "format must be a string");
        }
        // Subschemas as visited (annotations dropped), by keyword; the rest is copied as the client wrote it.
        ObjectNode visited = JsonNodeFactory.instance.objectNode();
        for (String definitions : DEFINITIONS) {
            if (schema.has(definitions)) {
                visited.set(definitions, visitMembers(schema.get(definitions), FieldPath.member(path, definitions),
                        depth));
            }
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray() && !schema.has("$ref") && !schema.has("oneOf") && !schema.has("anyOf")) {
            return unionOfTypes(schema, type, path, depth);
        }
        Set<String> allowed = rule(schema, path, visited, depth);
        // In the client's order: the converter writes properties into the grammar in the order it reads them.
        ObjectNode enforced = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyword = field.getKey();
            if (ANNOTATIONS.contains(keyword)) {
                continue;
            }
            if (!allowed.contains(keyword) && !DEFINITIONS.contains(keyword)) {
                throw refused(FieldPath.member(path, keyword), "the schema keyword '" + keyword + "' at " + path
                        + " is not enforced by rigpool's grammar converter" + together(allowed));
            }
            enforced.set(keyword, visited.has(keyword) ? visited.get(keyword) : field.getValue().deepCopy());
        }
        return enforced;
    }

    /**
     * Which rule of the converter this schema meets, in the converter's order; checks the rule's own keywords,
     * puts the subschemas it visited into {@code visited}, and returns the keywords the rule reads.
     */
    private Set<String> rule(JsonNode schema, String path, ObjectNode visited, int depth) {
        JsonNode type = schema.get("type");
        if (schema.has("$ref")) {
            reference(schema.get("$ref"), FieldPath.member(path, "$ref"));
            return Set.of("$ref");
        }
        if (schema.has("oneOf")) {
            throw refused(FieldPath.member(path, "oneOf"), "oneOf at " + path + " is not enforced: the grammar can"
                    + " hold an answer to one of the alternatives but not to exactly one; use anyOf");
        }
        if (schema.has("anyOf")) {
            visited.set("anyOf", visitElements(schema.get("anyOf"), FieldPath.member(path, "anyOf"), depth, true));
            return Set.of("anyOf");
        }
        if (type != null) {
            requireType(type, FieldPath.member(path, "type"));
        }
        String typeName = type == null ? null : type.textValue();
        if (schema.has("const")) {
            refuseReferenceInside(schema.get("const"), FieldPath.member(path, "const"));
            return Set.of("const", "type");
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw refused(FieldPath.member(path, "enum"), "enum must be a non-empty array");
            }
            refuseReferenceInside(values, FieldPath.member(path, "enum"));
            return Set.of("enum", "type");
        }
        boolean objectOrUntyped = typeName == null || typeName.equals("object");
        JsonNode additional = schema.get("additionalProperties");
        if (objectOrUntyped && (schema.has("properties") || (additional != null && !additional.equals(
                JsonNodeFactory.instance.booleanNode(true))))) {
            objectRule(schema, path, visited, depth);
            return Set.of("type", "properties", "required", "additionalProperties");
        }
        if (objectOrUntyped && schema.has("allOf")) {
            throw refused(FieldPath.member(path, "allOf"), "allOf at " + path + " is not enforced as JSON Schema"
                    + " defines it (the converter merges the properties and requires them all)");
        }
        boolean arrayOrUntyped = typeName == null || typeName.equals("array");
        if (arrayOrUntyped && (schema.has("items") || schema.has("prefixItems"))) {
            return arrayRule(schema, path, visited, depth);
        }
        boolean stringOrUntyped = typeName == null || typeName.equals("string");
        if (stringOrUntyped && schema.has("pattern")) {
            throw refused(FieldPath.member(path, "pattern"), "pattern at " + path + " is not supported: rigpool does"
                    + " not hand regular expressions to the grammar converter, which ends the runner on one it"
                    + " cannot read");
        }
        if (stringOrUntyped && schema.has("format")) {
            String format = schema.get("format").textValue();
            if (!FORMATS.contains(format)) {
                throw refused(FieldPath.member(path, "format"), "format '" + format + "' at " + path + " is not"
                        + " enforced; the formats rigpool enforces are " + new TreeSet<>(FORMATS));
            }
            return Set.of("type", "format");
        }
        if ("string".equals(typeName) && (schema.has("minLength") || schema.has("maxLength"))) {
            bounds(schema, path, "minLength", "maxLength");
            return Set.of("type", "minLength", "maxLength");
        }
        if ("integer".equals(typeName)) {
            for (String[] pair : new String[][] {{"minimum", "exclusiveMinimum"}, {"maximum", "exclusiveMaximum"}}) {
                if (schema.has(pair[0]) && schema.has(pair[1])) {
                    throw refused(FieldPath.member(path, pair[1]), pair[1] + " at " + path + " is not enforced"
                            + " beside " + pair[0] + "; give one of them");
                }
                for (String bound : pair) {
                    JsonNode value = schema.get(bound);
                    if (value != null && !(value.isIntegralNumber() && value.canConvertToInt())) {
                        throw refused(FieldPath.member(path, bound), bound + " at " + path
                                + " must be a 32-bit integer to be enforced");
                    }
                }
            }
            return Set.of("type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
        }
        if (typeName == null) {
            // Annotations only: the converter's "any object", which is valid against an empty schema. Any other
            // keyword here is one the converter has no rule for, and is refused by the caller.
            return Set.of();
        }
        // additionalProperties can only be true here (any other value took the object rule above).
        return typeName.equals("object") ? Set.of("type", "additionalProperties") : Set.of("type");
    }

    /** The converter reads {@code "type": [a, b]} as the same schema once per type, any of which may match. */
    private ObjectNode unionOfTypes(JsonNode schema, JsonNode types, String path, int depth) {
        String typePath = FieldPath.member(path, "type");
        if (types.isEmpty()) {
            throw refused(typePath, "type must name at least one type");
        }
        ObjectNode enforced = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < types.size(); i++) {
            requireType(types.get(i), FieldPath.element(typePath, i));
            ObjectNode alternative = ((ObjectNode) schema.deepCopy()).put("type", types.get(i).textValue());
            // JSON Schema applies maxLength to strings only, items to arrays only, and so on: for this type's
            // alternative the other types' keywords are rightly ignored.
            alternative.remove(keywordsOfOtherTypes(types.get(i).textValue()));
            enforced.setAll(visit(alternative, path, depth));
        }
        enforced.set("type", types.deepCopy());
        return enforced;
    }

    private static Set<String> keywordsOfOtherTypes(String type) {
        Set<String> others = new LinkedHashSet<>();
        TYPE_KEYWORDS.forEach((owner, keywords) -> {
            if (!owner.equals(type) && !(owner.equals("number") && type.equals("integer"))) {
                others.addAll(keywords);
            }
        });
        others.removeAll(TYPE_KEYWORDS.getOrDefault(type, Set.of()));
        return others;
    }

    private void objectRule(JsonNode schema, String path, ObjectNode enforced, int depth) {
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            enforced.set("properties", visitMembers(properties, FieldPath.member(path, "properties"), depth));
        }
        JsonNode required = schema.get("required");
        if (required != null) {
            String requiredPath = FieldPath.member(path, "required");
            if (!required.isArray()) {
                throw refused(requiredPath, "required must be an array of property names");
            }
            for (int i = 0; i < required.size(); i++) {
                JsonNode name = required.get(i);
                if (!name.isTextual() || properties == null || !properties.has(name.textValue())) {
                    throw refused(FieldPath.element(requiredPath, i), "required names " + name + ", which "
                            + FieldPath.member(path, "properties") + " does not define: the grammar only requires"
                            + " properties it knows");
                }
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            enforced.set("additionalProperties", visit(additional, FieldPath.member(path, "additionalProperties"),
                    depth + 1));
        } else if (additional != null && !additional.isBoolean()) {
            throw refused(FieldPath.member(path, "additionalProperties"),
                    "additionalProperties must be a boolean or a schema");
        }
    }

    private Set<String> arrayRule(JsonNode schema, String path, ObjectNode enforced, int depth) {
        if (schema.has("items") && schema.has("prefixItems")) {
            throw refused(FieldPath.member(path, "prefixItems"), "prefixItems at " + path + " is not enforced"
                    + " beside items; give one of them");
        }
        String key = schema.has("items") ? "items" : "prefixItems";
        JsonNode items = schema.get(key);
        if (items.isArray()) {
            enforced.set(key, visitElements(items, FieldPath.member(path, key), depth, false));
            // A tuple is exactly as long as its list; the converter reads no bounds on it.
            return Set.of("type", key);
        }
        if (key.equals("prefixItems")) {
            throw refused(FieldPath.member(path, key), "prefixItems must be an array of schemas");
        }
        enforced.set(key, visit(items, FieldPath.member(path, key), depth + 1));
        bounds(schema, path, "minItems", "maxItems");
        return Set.of("type", "items", "minItems", "maxItems");
    }

    private ObjectNode visitMembers(JsonNode members, String path, int depth) {
        if (!members.isObject()) {
            throw refused(path, path + " must be an object of schemas");
        }
        ObjectNode enforced = JsonNodeFactory.instance.objectNode();
        members.fields().forEachRemaining(member -> {
            String memberPath = FieldPath.member(path, member.getKey());
            if (member.getKey().equals("$ref")) {
                // The converter takes any object with a "$ref" member for a reference, a name included.
                throw refused(memberPath, "a property or definition named $ref cannot be enforced");
            }
            enforced.set(member.getKey(), visit(member.getValue(), memberPath, depth + 1));
        });
        return enforced;
    }

    private ArrayNode visitElements(JsonNode elements, String path, int depth,
            boolean nonEmpty) {
        if (!elements.isArray() || (nonEmpty && elements.isEmpty())) {
            throw refused(path, path + " must be " + (nonEmpty ? "a non-empty" : "an") + " array of schemas");
        }
        ArrayNode enforced = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < elements.size(); i++) {
            enforced.add(visit(elements.get(i), FieldPath.element(path, i), depth + 1));
        }
        return enforced;
    }

    /**
     * Only {@code #/$defs/name} (or {@code #/definitions/name}) of this document: the converter fetches nothing,
     * walks a pointer through objects only, and ends the runner on one it cannot resolve; a definition is a place
     * this check has visited as a schema.
     */
    private void reference(JsonNode ref, String path) {
        Matcher local = ref.isTextual() ? LOCAL_REF.matcher(ref.textValue()) : null;
        if (local == null || !local.matches()) {
            throw refused(path, "$ref must name a definition of this schema, as #/$defs/name; not " + ref);
        }
        if (!root.path(local.group(1)).path(local.group(2)).isObject()) {
            throw refused(path, "$ref " + ref + " names no definition in this schema's " + local.group(1));
        }
    }

    /** An object with a {@code $ref} anywhere in a value: the converter resolves it even inside enum or const. */
    private static void refuseReferenceInside(JsonNode value, String path) {
        if (value.isObject() && value.has("$ref")) {
            throw refused(path, path + " holds an object with a $ref member, which the grammar converter would"
                    + " take for a reference");
        }
        for (JsonNode element : value) {
            refuseReferenceInside(element, path);
        }
    }

    private void bounds(JsonNode schema, String path, String minKey, String maxKey) {
        long min = 0;
        long max = Long.MAX_VALUE;
        for (String key : new String[] {minKey, maxKey}) {
            JsonNode value = schema.get(key);
            if (value == null) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw refused(FieldPath.member(path, key), key + " at " + path
                        + " must be a non-negative 32-bit integer");
            }
            if (key.equals(minKey)) {
                min = value.intValue();
            } else {
                max = value.intValue();
            }
        }
        if (min > max) {
            throw refused(FieldPath.member(path, minKey), minKey + " at " + path + " is above " + maxKey);
        }
    }

    private static void requireType(JsonNode type, String path) {
        if (!type.isTextual() || !TYPES.contains(type.textValue())) {
            throw refused(path, "type must be one of " + new TreeSet<>(TYPES) + ", not " + type);
        }
    }

    private static String together(Set<String> allowed) {
        return allowed.isEmpty() ? "" : " together with " + new TreeSet<>(allowed);
    }

    private static ApiException refused(String path, String message) {
        return new ApiException(400, ApiException.INVALID_REQUEST, message, path, CODE, Map.of());
    }
}
