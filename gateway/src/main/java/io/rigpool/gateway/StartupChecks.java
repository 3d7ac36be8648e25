package io.rigpool.gateway;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.secrets.SecretPolicy;
import io.rigpool.gateway.auth.AuthOffGuard;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the gateway refuses to start with, before anything else starts: a guessable database password
 * ({@link SecretPolicy}), and authentication off on a port others can reach ({@link AuthOffGuard}).
 */
@ApplicationScoped
class StartupChecks {

    @Inject
    GatewayConfig config;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> databasePassword;

    @ConfigProperty(name = "quarkus.http.host")
    String httpHost;

    @ConfigProperty(name = SecretPolicy.ALLOW_WEAK, defaultValue = "false")
    boolean allowWeakSecrets;

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        AuthOffGuard.refusal(config.auth().enabled(), httpHost).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        // The shipped default is no password at all.
        SecretPolicy.requireStrong("the gateway", Map.of("quarkus.datasource.password",
                Optional.of(databasePassword.orElse(""))), allowWeakSecrets);
    }
}
