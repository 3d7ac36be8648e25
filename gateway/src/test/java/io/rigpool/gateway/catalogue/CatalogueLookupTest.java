package io.rigpool.gateway.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.CatalogueLookup;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Found by the fault suite: a gateway just restarted answered 404 for a served model until it had read the topic. */
class CatalogueLookupTest {

    @Test
    void anUnknownModelIsA503WithRetryAfterUntilTheCatalogueIsReadAndA404Afterwards() {
        ModelCatalogue catalogue = new ModelCatalogue();
        Function<String, Optional<ModelCatalogEntry>> lookup = CatalogueLookup.of(catalogue, Duration.ofSeconds(2));

        ApiException loading = assertThrows(ApiException.class, () -> lookup.apply("tiny"));
        assertEquals(503, loading.status());
        assertEquals("2", loading.headers().get("Retry-After"));

        catalogue.apply("tiny", ModelCatalogEntry.newBuilder().setModelId("tiny").build().toByteArray());
        assertTrue(lookup.apply("tiny").isPresent(), "a model already read is served before the rest is read");

        catalogue.markCaughtUp();
        assertTrue(lookup.apply("other").isEmpty(), "once read, an unknown model is simply not served (404)");
    }
}
