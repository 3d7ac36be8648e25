package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a model can be asked for beyond plain chat, as {@code GET /v1/models} tells clients before they ask. Every
 * model runs on the same engine today (java-llama.cpp 4.2.0 in a runner), so every model has the same; the request
 * reader refuses what this says is not supported.
 *
 * @param responseFormats the {@code response_format} types honoured
 * @param logprobs false: the engine ends the runner when asked for token probabilities
 * @param tools false: the engine parses no tool calls
 */
public record ModelCapabilities(@JsonProperty("response_format") List<String> responseFormats,
        @JsonProperty("json_schema_subset") String jsonSchemaSubset,
        @JsonProperty("presence_penalty") boolean presencePenalty,
        @JsonProperty("frequency_penalty") boolean frequencyPenalty,
        @JsonProperty("repeat_penalty") boolean repeatPenalty,
        @JsonProperty("logit_bias") boolean logitBias,
        boolean logprobs,
        boolean tools) {

    static final ModelCapabilities JAVA_LLAMA_CPP = new ModelCapabilities(
            List.of("text", "json_object", "json_schema"),
            "type, enum, const, properties, required, additionalProperties, items, prefixItems, minItems, maxItems,"
                    + " minLength, maxLength, integer minimum/maximum, format date/time/date-time/uuid, anyOf,"
                    + " local $ref; other keywords are refused with 400",
            true, true, true, true, false, false);
}
