package io.rigpool.gateway.auth;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Applies {@link BootstrapAdminKey} once the schema is migrated, before the HTTP port opens. */
@ApplicationScoped
public class BootstrapAdminKeyStartup {

    private static final Logger LOG = Logger.getLogger(BootstrapAdminKeyStartup.class);

    @Inject
    GatewayConfig config;

    @Inject
    ApiKeyStore store;

    void bootstrap(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) StartupEvent event) {
        if (!config.auth().enabled()) {
            LOG.warn("authentication is OFF (rigpool.gateway.auth.enabled=false): every caller is an admin without"
                    + " limits; use this only on a machine of your own");
            return;
        }
        Optional<String> made = BootstrapAdminKey.apply(config.auth().bootstrapAdminKey(),
                new BootstrapAdminKey.Store() {
                    @Override
                    public boolean ensureAdminKey(String name, String key) {
                        return store.ensureAdminKey(name, key);
                    }

                    @Override
                    public boolean createFirstAdminKey(String name, String key) {
                        return store.createFirstAdminKey(name, key);
                    }
                }, ApiKeySecrets::generate);
        made.ifPresent(key -> LOG.warnf("%n%n    First start: made the admin key%n%n        %s%n%n    It is shown only"
                + " this once (only its hash is stored). Use it as 'Authorization: Bearer <key>' to make other"
                + " keys with POST /v1/admin/keys.%n", key));
    }
}
