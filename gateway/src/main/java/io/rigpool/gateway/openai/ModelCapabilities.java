package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.catalogue.ServingEngines;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.List;

/**
 * What a model can be asked for beyond plain chat, as {@code GET /v1/models} tells clients before they ask. Both
 * engines honour response formats, penalties and logit bias; logprobs and tools depend on the engines the model's
 * replicas run on ({@link ServingEngines}), and the request check refuses what this says is not supported.
 *
 * @param responseFormats the {@code response_format} types honoured
 * @param logprobs whether every replica reports token log probabilities (llama-server does, java-llama.cpp 4.2.0
 *     ends the runner when asked)
 * @param tools whether every replica calls tools (llama-server renders them with the model's jinja template and
 *     parses the calls; java-llama.cpp parses none)
 * @param engines the engines the model's replicas run on
 */
public record ModelCapabilities(@JsonProperty("response_format") List<String> responseFormats,
        @JsonProperty("json_schema_subset") String jsonSchemaSubset,
        @JsonProperty("presence_penalty") boolean presencePenalty,
        @JsonProperty("frequency_penalty") boolean frequencyPenalty,
        @JsonProperty("repeat_penalty") boolean repeatPenalty,
        @JsonProperty("logit_bias") boolean logitBias,
        boolean logprobs,
        boolean tools,
        List<String> engines) {

    static ModelCapabilities of(ModelCatalogEntry entry) {
        boolean inDepth = ServingEngines.speakOpenAiInDepth(entry);
        return new ModelCapabilities(List.of("text", "json_object", "json_schema"),
                "type, enum, const, properties, required, additionalProperties, items, prefixItems, minItems,"
                        + " maxItems, minLength, maxLength, integer minimum/maximum, format"
                        + " date/time/date-time/uuid, anyOf, local $ref; other keywords are refused with 400 (also"
                        + " in a tool's parameters)",
                true, true, true, true, inDepth, inDepth, List.copyOf(entry.getEnginesList()));
    }
}
