package io.rigpool.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.api.ApiException;
import java.util.Locale;

/**
 * Reads {@code POST /v1/admin/keys}: {@code {"name", "role": "user"|"admin", "rate_per_second", "burst",
 * "max_concurrent_jobs"}}, where only {@code name} is required; a wrong field is a 400 naming it.
 */
public final class KeyRequestReader {

    static final int MAX_NAME_LENGTH = 200;

    private KeyRequestReader() {
    }

    public static NewApiKey read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isBlank()) {
            throw ApiException.invalid("name", "name is required: a non-empty string saying whose key it is");
        }
        String name = nameNode.textValue().strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw ApiException.invalid("name", "name may have at most " + MAX_NAME_LENGTH + " characters");
        }
        return new NewApiKey(name, role(body.get("role")), positiveNumber(body.get("rate_per_second")),
                positiveInteger(body.get("burst"), "burst"),
                positiveInteger(body.get("max_concurrent_jobs"), "max_concurrent_jobs"));
    }

    private static Role role(JsonNode node) {
        if (absent(node)) {
            return Role.USER;
        }
        if (node.isTextual()) {
            try {
                return Role.fromWireName(node.textValue().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // falls through to the refusal
            }
        }
        throw ApiException.invalid("role", "role must be 'user' or 'admin'");
    }

    private static Double positiveNumber(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || !(node.doubleValue() > 0) || Double.isInfinite(node.doubleValue())) {
            throw ApiException.invalid("rate_per_second", "rate_per_second must be a number above 0");
        }
        return node.doubleValue();
    }

    private static Integer positiveInteger(JsonNode node, String field) {
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            throw ApiException.invalid(field, field + " must be a whole number above 0");
        }
        return node.intValue();
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
