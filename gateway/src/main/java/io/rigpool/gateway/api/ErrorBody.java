package io.rigpool.gateway.api;

/** The JSON of every error answer, shaped like OpenAI's: {@code {"error": {"type", "message", "field"}}}. */
public record ErrorBody(Error error) {

    /** @param field where in the request the problem is ({@code messages[1].role}), or null */
    public record Error(String type, String message, String field) {
    }
}
