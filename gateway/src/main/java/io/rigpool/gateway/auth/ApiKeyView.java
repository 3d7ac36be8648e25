package io.rigpool.gateway.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A key as the admin API shows it: never the key, except once in the answer that made it ({@code key}).
 *
 * @param ratePerSecond null: the gateway's default (likewise {@code burst}, {@code maxConcurrentJobs})
 */
public record ApiKeyView(String id, String name, String role,
        @JsonProperty("key_prefix") String keyPrefix,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key,
        @JsonProperty("rate_per_second") Double ratePerSecond,
        Integer burst,
        @JsonProperty("max_concurrent_jobs") Integer maxConcurrentJobs,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("revoked_at") Instant revokedAt) {

    static ApiKeyView of(ApiKeyRow key, String secret) {
        return new ApiKeyView(key.id().toString(), key.name(), key.role(), key.keyPrefix(), secret, key.ratePerSecond(),
                key.burst(), key.maxConcurrentJobs(), key.createdAt(), key.revokedAt());
    }
}
