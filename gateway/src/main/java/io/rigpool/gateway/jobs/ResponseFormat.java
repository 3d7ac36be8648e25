package io.rigpool.gateway.jobs;

/**
 * OpenAI's {@code response_format}: free text, any JSON object, or JSON valid against a schema.
 *
 * @param type {@code text}, {@code json_object} or {@code json_schema}
 * @param name the schema's name ({@code json_schema} only), or null
 * @param strict the client's {@code strict} flag, or null; rigpool enforces every schema it accepts either way
 * @param schema the client's schema as JSON text ({@code json_schema} only), or null
 * @param enforcedSchema the schema the answer is held to, as JSON text: the client's without its annotations, or
 *     {@code {"type":"object"}} for {@code json_object}; null for free text
 */
public record ResponseFormat(String type, String name, Boolean strict, String schema, String enforcedSchema) {

    public static final String TEXT_TYPE = "text";
    public static final String JSON_OBJECT_TYPE = "json_object";
    public static final String JSON_SCHEMA_TYPE = "json_schema";
    public static final ResponseFormat TEXT = new ResponseFormat(TEXT_TYPE, null, null, null, null);
    /** Any JSON object, which is what OpenAI's JSON mode promises. */
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(JSON_OBJECT_TYPE, null, null, null,
            "{\"type\":\"object\"}");

    public boolean constrained() {
        return enforcedSchema != null;
    }
}
