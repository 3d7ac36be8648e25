package io.rigpool.gateway.api;

/**
 * The JSON of every error answer, shaped like OpenAI's: {@code {"error": {"type", "message", "param", "code"}}},
 * plus {@code field}, the same as {@code param}, which this API named first.
 */
public record ErrorBody(Error error) {

    /**
     * @param field where in the request the problem is ({@code messages[1].role}), or null
     * @param param OpenAI's name for {@code field}
     * @param code a stable, machine-readable reason ({@code model_not_found}, {@code rate_limit_exceeded}), or null
     */
    public record Error(String type, String message, String field, String param, String code) {
    }
}
