package io.rigpool.gateway.api;

import io.rigpool.gateway.catalogue.ModelCatalogue;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The request check's view of the model catalogue. Until the gateway has read the catalogue (the moment after it
 * starts, before readiness, when a client that talks to it directly may already be sending) it cannot tell whether
 * a model is served: a submission then gets 503 with Retry-After, which a client retries, not 404, which it takes
 * as final.
 */
public final class CatalogueLookup {

    private CatalogueLookup() {
    }

    public static Function<String, Optional<ModelCatalogEntry>> of(ModelCatalogue catalogue, Duration retryAfter) {
        return modelId -> {
            Optional<ModelCatalogEntry> entry = catalogue.find(modelId);
            if (entry.isEmpty() && !catalogue.caughtUp()) {
                throw ApiException.unavailable("the gateway is still reading the model catalogue, so it cannot tell"
                        + " yet whether model '" + modelId + "' is served; nothing was stored", retryAfter);
            }
            return entry;
        };
    }
}
