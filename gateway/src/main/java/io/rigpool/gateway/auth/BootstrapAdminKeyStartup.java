package io.rigpool.gateway.auth;

import io.rigpool.common.files.OwnerOnlyFile;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Path;
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
        made.ifPresent(this::handOver);
    }

    /** The key goes to a file only its owner can read, never to the log: logs are collected and shared. */
    private void handOver(String key) {
        Path file = config.auth().bootstrapKeyFile()
                .orElse(Path.of(System.getProperty("user.home"), ".rigpool", "gateway-admin-key"));
        try {
            OwnerOnlyFile.write(file, key + System.lineSeparator());
            LOG.warnf("First start: made an admin key and wrote it to %s (readable by this user only; only its hash"
                    + " is stored). Use it as 'Authorization: Bearer <key>' to make other keys with"
                    + " POST /v1/admin/keys, then delete the file.", file);
        } catch (IOException e) {
            LOG.errorf("First start: made an admin key but could not write it to %s (%s); it is not shown anywhere."
                    + " Set rigpool.gateway.auth.bootstrap-admin-key (RIGPOOL_GATEWAY_AUTH_BOOTSTRAP_ADMIN_KEY) to an"
                    + " admin key of your choice and restart.", file, e.getMessage());
        }
    }
}
