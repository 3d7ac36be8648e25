package io.rigpool.gateway.jobs;

/**
 * The tools a request offers the model and how it may use them (OpenAI's {@code tools}, {@code tool_choice},
 * {@code parallel_tool_calls}).
 *
 * @param json the client's {@code tools} array as JSON text, each function's parameters checked to be a schema
 *     llama.cpp's grammar converter expresses exactly
 * @param choice {@code auto}, {@code none}, {@code required}, or {@code function} for the one named by
 *     {@code function}
 * @param function the function {@code tool_choice} names; null unless {@code choice} is {@code function}
 * @param parallel whether one answer may hold several calls
 */
public record Tools(String json, String choice, String function, boolean parallel) {

    public static final String AUTO = "auto";
    public static final String NONE = "none";
    public static final String REQUIRED = "required";
    public static final String FUNCTION = "function";
}
