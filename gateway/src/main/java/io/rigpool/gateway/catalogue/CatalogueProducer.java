package io.rigpool.gateway.catalogue;

import io.quarkus.runtime.Startup;
import io.rigpool.common.topics.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/** Makes the catalogue and its reader, which starts with the application and stops with it. */
@Singleton
public class CatalogueProducer {

    @Produces
    @Singleton
    ModelCatalogue catalogue() {
        return new ModelCatalogue();
    }

    /** At startup, not at first use: nothing injects the reader, yet the catalogue must be read from the start. */
    @Produces
    @Singleton
    @Startup
    CatalogueFollower follower(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            ModelCatalogue catalogue) {
        CatalogueFollower follower = new CatalogueFollower(kafkaConfig, Topics.MODELS, catalogue);
        follower.start();
        return follower;
    }

    void close(@Disposes CatalogueFollower follower) {
        follower.close();
    }
}
