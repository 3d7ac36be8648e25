package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSchemaSubsetTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FIELD = "s";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "required": ["a"]}
            {"type": "object", "properties": {"a": {"type": "integer", "minimum": 0, "exclusiveMaximum": 9}}}
            {"type": "object", "properties": {"a": {"enum": ["x", 1, null]}, "b": {"const": true}}, "additionalProperties": false}
            {"type": "object", "additionalProperties": {"type": "number"}}
            {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 4}
            {"type": "array", "prefixItems": [{"type": "string"}, {"type": "null"}]}
            {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "uuid"}]}
            {"type": ["string", "null"], "maxLength": 5}
            {"type": ["integer", "array"], "minimum": 1, "items": {"type": "string"}}
            {"definitions": {"a": {"type": "string"}}, "anyOf": [{"$ref": "#/definitions/a"}, {"type": "null"}]}
            {"$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}, "$ref": "#/$defs/node"}
            {"type": "object"}
            {}
            """)
    void schemasTheConverterEnforcesAreAccepted(String schema) throws Exception {
        JsonSchemaSubset.check(JSON.readTree(schema), FIELD);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "string", "pattern": "^a+$"}                                  | s.pattern
            {"type": "string", "format": "email"}                                  | s.format
            {"type": "number", "minimum": 0}                                       | s.minimum
            {"type": "integer", "multipleOf": 2}                                   | s.multipleOf
            {"type": "integer", "minimum": 0.5}                                    | s.minimum
            {"type": "integer", "minimum": 1, "exclusiveMinimum": 0}               | s.exclusiveMinimum
            {"oneOf": [{"type": "string"}, {"type": "integer"}]}                   | s.oneOf
            {"allOf": [{"type": "object", "properties": {}}]}                      | s.allOf
            {"anyOf": [{"type": "string"}], "type": "string"}                      | s.type
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]} | s.required[0]
            {"type": "object", "required": ["a"]}                                  | s.required
            {"type": "object", "properties": {"a": {"type": "string", "minLength": 2, "pattern": "^x"}}} | s.properties.a.pattern
            {"type": "object", "properties": {"a": true}}                          | s.properties.a
            {"type": "object", "minProperties": 1}                                 | s.minProperties
            {"type": "array", "items": {"type": "string"}, "uniqueItems": true}    | s.uniqueItems
            {"type": "array", "items": [{"type": "string"}], "maxItems": 1}        | s.maxItems
            {"type": "array", "items": {"type": "string"}, "prefixItems": []}      | s.prefixItems
            {"type": "string", "minLength": 4, "maxLength": 2}                     | s.minLength
            {"type": "text"}                                                       | s.type
            {"type": []}                                                           | s.type
            {"type": ["string", "uuid"]}                                           | s.type[1]
            {"$ref": "https://example.com/schema.json"}                            | s.$ref
            {"$ref": "#/$defs/missing"}                                            | s.$ref
            {"not": {"type": "string"}}                                            | s.not
            {"if": {"type": "string"}}                                             | s.if
            {"format": 3}                                                          | s.format
            {"enum": []}                                                           | s.enum
            {"enum": [{"$ref": "#/$defs/a"}], "$defs": {"a": {}}}                  | s.enum
            {"const": {"x": [{"$ref": 1}]}}                                        | s.const
            {"type": "object", "properties": {"$ref": {"type": "string"}}}         | s.properties.$ref
            {"type": "object", "properties": {"a": {}}, "b": {"$ref": "#/properties/a"}} | s.b
            {"type": "object", "properties": {"a": {"$ref": "#/properties"}}}      | s.properties.a.$ref
            {"$defs": {"a": {"type": "string"}}, "anyOf": [{"$ref": "#/$defs/a/type"}]} | s.anyOf[0].$ref
            """)
    void aKeywordTheConverterWouldIgnoreIsRefusedByItsPath(String schema, String path) throws Exception {
        ApiException refused = assertThrows(ApiException.class,
                () -> JsonSchemaSubset.check(JSON.readTree(schema), FIELD));

        assertEquals(400, refused.status());
        assertEquals(path, refused.field());
        assertEquals(JsonSchemaSubset.CODE, refused.code());
    }

    @Test
    void annotationsAreDroppedFromTheEnforcedSchemaAndNothingElse() throws Exception {
        JsonNode enforced = JsonSchemaSubset.check(JSON.readTree("""
                {"title": "T", "description": "d", "$schema": "https://json-schema.org/draft/2020-12/schema",
                 "type": "object",
                 "properties": {"description": {"type": "string", "description": "a property named description"},
                                "note": {"description": "anything"}},
                 "required": ["description"]}"""), FIELD);

        assertEquals(JSON.readTree("""
                {"type": "object", "properties": {"description": {"type": "string"}, "note": {}},
                 "required": ["description"]}"""), enforced);
    }

    @Test
    void theRefusalSaysWhichKeywordsWouldHaveBeenEnforced() throws Exception {
        ApiException refused = assertThrows(ApiException.class,
                () -> JsonSchemaSubset.check(JSON.readTree("{\"type\": \"number\", \"maximum\": 3}"), FIELD));

        assertTrue(refused.getMessage().contains("'maximum'") && refused.getMessage().contains("[type]"),
                refused.getMessage());
    }
}
