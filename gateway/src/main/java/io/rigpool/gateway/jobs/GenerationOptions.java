package io.rigpool.gateway.jobs;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sampling and output options of a job beyond the basic ones, as OpenAI's chat API defines them. Every default
 * means "as llama.cpp samples without it", so a job stored before these options existed reads as {@link #NONE}.
 *
 * @param presencePenalty -2..2, subtracted once from the logit of every token already in the text
 * @param frequencyPenalty -2..2, subtracted from a token's logit per time it is already in the text
 * @param repeatPenalty llama.cpp's multiplicative repeat penalty, or null for none (OpenAI has no such field)
 * @param logitBias token id to a bias of -100..100 added to its logit; ordered, so equal requests compare equal
 * @param responseFormat free text, or the JSON the answer is held to
 * @param logprobs whether to report each sampled token's log probability
 * @param topLogprobs with {@code logprobs}, how many of the likeliest tokens to report at each place, 0..20
 * @param tools the tools offered, or null for none
 */
public record GenerationOptions(double presencePenalty, double frequencyPenalty, Double repeatPenalty,
        Map<Integer, Double> logitBias, ResponseFormat responseFormat, boolean logprobs, int topLogprobs,
        Tools tools) {

    public static final GenerationOptions NONE = new GenerationOptions(0, 0, null, Map.of(), ResponseFormat.TEXT);

    public GenerationOptions(double presencePenalty, double frequencyPenalty, Double repeatPenalty,
            Map<Integer, Double> logitBias, ResponseFormat responseFormat) {
        this(presencePenalty, frequencyPenalty, repeatPenalty, logitBias, responseFormat, false, 0, null);
    }

    public GenerationOptions {
        logitBias = logitBias == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(logitBias));
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    }

    public static GenerationOptions orNone(GenerationOptions options) {
        return options == null ? NONE : options;
    }
}
