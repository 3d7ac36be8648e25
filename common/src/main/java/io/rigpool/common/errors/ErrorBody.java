package io.rigpool.common.errors;

/**
 * The JSON of every error answer of every rigpool service, shaped like OpenAI's (which OpenAI clients of the gateway
 * read): {@code {"error": {"type", "message", "field", "param", "code"}}}. {@code field} and {@code param} name the
 * same place in the request ({@code param} is OpenAI's name, {@code field} rigpool's first); {@code code} is a stable,
 * machine-readable reason ({@code too_many_wrong_keys}, {@code model_not_found}), or null.
 */
public record ErrorBody(Error error) {

    /** The error itself. */
    public record Error(String type, String message, String field, String param, String code) {
    }

    /** An error of OpenAI's type for the HTTP status ({@link #typeFor}). */
    public static ErrorBody of(int status, String code, String field, String message) {
        return new ErrorBody(new Error(typeFor(status), message, field, field, code));
    }

    /** OpenAI's error type for an HTTP status: {@code invalid_request_error}, {@code not_found_error}, ... */
    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            case 503 -> "service_unavailable_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
