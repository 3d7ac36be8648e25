package io.rigpool.gateway.auth;

import io.rigpool.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the {@link Authenticator} to the key table and the configured defaults. */
@ApplicationScoped
public class Authentication {

    @Produces
    @Singleton
    Authenticator authenticator(GatewayConfig config, ApiKeyStore store) {
        GatewayConfig.Limits limits = config.limits();
        KeyLimits defaults = new KeyLimits(limits.ratePerSecond(), limits.burst(), limits.maxConcurrentJobs());
        return new Authenticator(config.auth().enabled(), new ApiKeyCache(config.auth().cacheTtl(), System::nanoTime),
                hash -> store.findActive(hash).map(key -> key.caller(defaults)));
    }
}
