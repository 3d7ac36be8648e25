package io.rigpool.gateway.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code gateway.api_keys}: a key's hash, never the key. */
@Entity
@Table(schema = "gateway", name = "api_keys")
public class ApiKeyEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    /** {@link Role#wireName()}. */
    public String role;

    @Column(name = "key_hash")
    public byte[] keyHash;

    @Column(name = "key_prefix")
    public String keyPrefix;

    @Column(name = "rate_per_second")
    public Double ratePerSecond;

    public Integer burst;

    @Column(name = "max_concurrent_jobs")
    public Integer maxConcurrentJobs;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public Role role() {
        return Role.fromWireName(role);
    }

    public Caller caller(KeyLimits defaults) {
        return new Caller(id, name, role(), KeyLimits.of(ratePerSecond, burst, maxConcurrentJobs, defaults));
    }
}
