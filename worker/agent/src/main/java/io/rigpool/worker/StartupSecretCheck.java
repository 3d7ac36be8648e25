package io.rigpool.worker;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.secrets.SecretPolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Optional;

/** Refuses to start with a guessable cluster token ({@link SecretPolicy}), before the worker says hello anywhere. */
@ApplicationScoped
class StartupSecretCheck {

    void check(@Observes @Priority(1) StartupEvent event, ClusterConfig cluster) {
        SecretPolicy.requireStrong("the worker", Map.of("rigpool.cluster-token", Optional.of(cluster.clusterToken())),
                cluster.allowWeakSecrets());
    }
}
