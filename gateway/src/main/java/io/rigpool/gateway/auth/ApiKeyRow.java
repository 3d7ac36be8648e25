package io.rigpool.gateway.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code gateway.api_keys}: a key's hash, never the key.
 *
 * @param role {@link Role#wireName()}
 * @param ratePerSecond null: the gateway's default (likewise {@code burst}, {@code maxConcurrentJobs})
 */
public record ApiKeyRow(UUID id, String name, String role, byte[] keyHash, String keyPrefix, Double ratePerSecond,
        Integer burst, Integer maxConcurrentJobs, Instant createdAt, Instant revokedAt) {

    public Caller caller(KeyLimits defaults) {
        return new Caller(id, name, Role.fromWireName(role),
                KeyLimits.of(ratePerSecond, burst, maxConcurrentJobs, defaults));
    }
}
