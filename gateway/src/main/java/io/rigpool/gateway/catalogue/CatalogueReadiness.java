package io.rigpool.gateway.catalogue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the catalogue is read: before that every job would be refused as "unknown model". */
@Readiness
@ApplicationScoped
public class CatalogueReadiness implements HealthCheck {

    @Inject
    ModelCatalogue catalogue;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("model catalogue")
                .status(catalogue.caughtUp())
                .withData("models", catalogue.modelIds().size())
                .build();
    }
}
