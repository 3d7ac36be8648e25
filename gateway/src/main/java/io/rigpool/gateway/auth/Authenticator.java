package io.rigpool.gateway.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tells who a request comes from by its {@code Authorization: Bearer <key>} header. Answers from the cache when it
 * can ({@link #fromCache}); otherwise the key is looked up in the database ({@link #lookUp}, blocking), which the
 * caller must do off the event loop.
 */
public final class Authenticator {

    private static final String BEARER = "bearer ";

    private final boolean enabled;
    private final ApiKeyCache cache;
    private final Function<byte[], Optional<Caller>> store;

    /** @param store the active key with this hash, as a caller */
    public Authenticator(boolean enabled, ApiKeyCache cache, Function<byte[], Optional<Caller>> store) {
        this.enabled = enabled;
        this.cache = cache;
        this.store = store;
    }

    /** What a request with this header may do, when the cache knows; null when {@link #lookUp} must decide. */
    public Caller fromCache(String authorization) {
        if (!enabled) {
            return Caller.ANONYMOUS;
        }
        String key = bearerKey(authorization);
        ApiKeyCache.Entry entry = cache.find(ApiKeySecrets.hashHex(key));
        if (entry == null) {
            return null;
        }
        return known(entry);
    }

    /** Looks the key up in the database (blocking) and remembers the answer. */
    public Caller lookUp(String authorization) {
        if (!enabled) {
            return Caller.ANONYMOUS;
        }
        String key = bearerKey(authorization);
        byte[] hash = ApiKeySecrets.hash(key);
        Caller caller = store.apply(hash).orElse(null);
        return known(cache.remember(ApiKeySecrets.hashHex(key), caller));
    }

    public void forget(java.util.UUID keyId) {
        cache.forget(keyId);
    }

    private static Caller known(ApiKeyCache.Entry entry) {
        if (entry.caller() == null) {
            throw AuthenticationFailure.unknownKey();
        }
        return entry.caller();
    }

    static String bearerKey(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw AuthenticationFailure.missing();
        }
        String header = authorization.strip();
        if (header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw AuthenticationFailure.notBearer();
        }
        return header.substring(BEARER.length()).strip();
    }
}
