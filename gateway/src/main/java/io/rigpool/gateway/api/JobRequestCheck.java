package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.catalogue.ServingEngines;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the gateway checks in a chat request before anything is written: the body's fields, that the model is
 * served, and that the prompt can fit the model's context. Plain Java, so the fuzz test drives it directly.
 */
public final class JobRequestCheck {

    private final JobRequestReader reader;
    private final Function<String, Optional<ModelCatalogEntry>> models;

    /** @param models the catalogue's entry of a model id, empty when the model is not served */
    public JobRequestCheck(JobRequestReader reader, Function<String, Optional<ModelCatalogEntry>> models) {
        this.reader = reader;
        this.models = models;
    }

    /** @throws ApiException 400 naming the first wrong field, or 404 for a model that is not served */
    public JobSpec check(JsonNode body) {
        JobSpec spec = reader.read(body);
        ModelCatalogEntry model = models.apply(spec.model())
                .orElseThrow(() -> ApiException.modelNotFound(spec.model()));
        refuseWhatItsEnginesCannot(spec, model);
        long contextLength = model.getContextLength();
        if (contextLength > 0) {
            long promptTokens = PromptSize.estimateTokens(spec.messages());
            if (promptTokens > contextLength) {
                throw ApiException.contextLengthExceeded(spec.model(), contextLength, promptTokens);
            }
        }
        return spec;
    }

    /** logprobs and tools depend on the engines the model's replicas run on; the 400 names the model and field. */
    private static void refuseWhatItsEnginesCannot(JobSpec spec, ModelCatalogEntry model) {
        if (ServingEngines.speakOpenAiInDepth(model)) {
            return;
        }
        String field = spec.options().logprobs() ? "logprobs"
                : spec.options().tools() != null ? "tools"
                : spec.messages().stream().anyMatch(ChatMessage::aboutTools) ? "messages" : null;
        if (field != null) {
            String what = field.equals("logprobs") ? "report token log probabilities" : "call tools";
            throw ChatRequestFields.unsupported(field, field + " is not supported for model '" + spec.model()
                    + "': it cannot " + what + " on rigpool, because " + ServingEngines.why(model)
                    + "; GET /v1/models says what each model supports");
        }
    }
}
