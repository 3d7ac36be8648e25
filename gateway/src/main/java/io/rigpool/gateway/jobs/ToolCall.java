package io.rigpool.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A call of a function, in OpenAI's shape ({@code {id, type: "function", function: {name, arguments}}}), which is
 * also how the jobs table stores it and both APIs show it.
 */
public record ToolCall(String id, String type, Function function) {

    public static final String FUNCTION = "function";

    /** @param arguments the arguments as the JSON text the model wrote */
    public record Function(String name, String arguments) {
    }

    public ToolCall {
        type = FUNCTION;
    }

    public ToolCall(String id, String name, String arguments) {
        this(id, FUNCTION, new Function(name, arguments));
    }

    @JsonIgnore
    public String name() {
        return function.name();
    }

    @JsonIgnore
    public String arguments() {
        return function.arguments();
    }
}
