package io.rigpool.gateway.jobs;

import java.util.List;

/**
 * What a client asked for, already checked and with defaults filled in: a job is stored and queued exactly as
 * described here.
 *
 * @param seed null when the client left sampling unseeded
 * @param stream whether someone may follow the tokens as they are made: a streaming chat completion, any job of the
 *     jobs API (its events can be followed at any time); the worker publishes them only then
 * @param options penalties, logit bias and response format; {@link GenerationOptions#NONE} when none was asked for
 */
public record JobSpec(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
        Long seed, List<String> stop, boolean stream, GenerationOptions options) {

    public JobSpec {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        options = GenerationOptions.orNone(options);
    }

    /** A job with no options beyond the basic ones. */
    public JobSpec(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
            Long seed, List<String> stop, boolean stream) {
        this(model, messages, maxTokens, temperature, topP, seed, stop, stream, GenerationOptions.NONE);
    }

    /** A job whose tokens nobody follows. */
    public JobSpec(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
            Long seed, List<String> stop) {
        this(model, messages, maxTokens, temperature, topP, seed, stop, false, GenerationOptions.NONE);
    }

    public JobSpec streamed() {
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop, true, options);
    }

    public JobSpec withOptions(GenerationOptions newOptions) {
        return new JobSpec(model, messages, maxTokens, temperature, topP, seed, stop, stream, newOptions);
    }
}
