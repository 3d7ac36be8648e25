package io.rigpool.gateway.auth;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code api_keys} table. */
@ApplicationScoped
public class ApiKeyStore implements PanacheRepositoryBase<ApiKeyEntity, UUID> {

    /** Serialises first starts of several gateways, so only one of them makes the bootstrap admin key. */
    private static final long BOOTSTRAP_LOCK = 0x72_69_67_70_6f_6f_6cL;

    @Transactional
    public Optional<ApiKeyEntity> findActive(byte[] keyHash) {
        return find("keyHash = ?1 and revokedAt is null", (Object) keyHash).firstResultOptional();
    }

    /** Stores a key's hash; the key itself is the caller's to hand out. */
    @Transactional
    public ApiKeyEntity create(NewApiKey request, String key) {
        return persistNew(request, key);
    }

    @Transactional
    public List<ApiKeyEntity> all() {
        return listAll(Sort.by("createdAt").and("id"));
    }

    /** Marks a key revoked; returns it, or empty when there is no such key. Revoking twice keeps the first time. */
    @Transactional
    public Optional<ApiKeyEntity> revoke(UUID id) {
        update("revokedAt = :now where id = :id and revokedAt is null",
                Parameters.with("now", now()).and("id", id));
        return findByIdOptional(id);
    }

    /**
     * Stores {@code key} as an admin key unless an active key has its hash already: the configured bootstrap key,
     * on every start. Returns whether it was stored now.
     */
    @Transactional
    public boolean ensureAdminKey(String name, String key) {
        lockBootstrap();
        if (find("keyHash = ?1", (Object) ApiKeySecrets.hash(key)).firstResultOptional().isPresent()) {
            return false;
        }
        persistNew(new NewApiKey(name, Role.ADMIN, null, null, null), key);
        return true;
    }

    /** Stores {@code key} as an admin key only if there is no active admin key at all; returns whether it did. */
    @Transactional
    public boolean createFirstAdminKey(String name, String key) {
        lockBootstrap();
        if (count("role = ?1 and revokedAt is null", Role.ADMIN.wireName()) > 0) {
            return false;
        }
        persistNew(new NewApiKey(name, Role.ADMIN, null, null, null), key);
        return true;
    }

    private void lockBootstrap() {
        getEntityManager().createNativeQuery("SELECT pg_advisory_xact_lock(" + BOOTSTRAP_LOCK + ")")
                .getSingleResult();
    }

    private ApiKeyEntity persistNew(NewApiKey request, String key) {
        ApiKeyEntity entity = new ApiKeyEntity();
        entity.id = UUID.randomUUID();
        entity.name = request.name();
        entity.role = request.role().wireName();
        entity.keyHash = ApiKeySecrets.hash(key);
        entity.keyPrefix = ApiKeySecrets.shownPart(key);
        entity.ratePerSecond = request.ratePerSecond();
        entity.burst = request.burst();
        entity.maxConcurrentJobs = request.maxConcurrentJobs();
        entity.createdAt = now();
        persist(entity);
        return entity;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
