package io.rigpool.planner;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.secrets.SecretPolicy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Refuses to start with a guessable cluster token, admin key or database password ({@link SecretPolicy}). */
@ApplicationScoped
class StartupSecretCheck {

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> databasePassword;

    void check(@Observes @Priority(1) StartupEvent event, PlannerConfig config) {
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        secrets.put("rigpool.cluster-token", Optional.of(config.clusterToken()));
        // Without an admin key the admin API answers 503; only a key that is set must be strong.
        secrets.put("rigpool.planner.admin-key", config.planner().adminKey());
        // The shipped default is no password at all.
        secrets.put("quarkus.datasource.password", Optional.of(databasePassword.orElse("")));
        SecretPolicy.requireStrong("the planner", secrets, config.allowWeakSecrets());
    }
}
