package io.rigpool.gateway.catalogue;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.topics.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;

/** Starts and stops the catalogue's reader with the application, and hands the catalogue to whoever asks. */
@ApplicationScoped
public class CatalogueFollowing {

    private final ModelCatalogue catalogue = new ModelCatalogue();
    private CatalogueFollower follower;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Produces
    @Singleton
    ModelCatalogue catalogue() {
        return catalogue;
    }

    void start(@Observes StartupEvent event) {
        follower = new CatalogueFollower(kafkaConfig, Topics.MODELS, catalogue);
        follower.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
    }
}
