package io.rigpool.gateway.auth;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes sure someone can administer a new gateway: a configured bootstrap key is stored as an admin key; with
 * none configured, a first start with no admin key makes one and hands it back to be shown once.
 */
public final class BootstrapAdminKey {

    public static final String NAME = "bootstrap-admin";
    /** Shorter configured keys are refused: they could be guessed. */
    public static final int MIN_CONFIGURED_LENGTH = 16;

    /** The two writes this needs, each atomic against other gateways starting at the same time. */
    public interface Store {

        /** Stores the key as an admin key unless it is stored already; returns whether it stored it. */
        boolean ensureAdminKey(String name, String key);

        /** Stores the key as an admin key only when no active admin key exists; returns whether it stored it. */
        boolean createFirstAdminKey(String name, String key);
    }

    private BootstrapAdminKey() {
    }

    /** @return a key made now, which must be shown to the operator (it is stored only hashed); else empty */
    public static Optional<String> apply(Optional<String> configured, Store store, Supplier<String> newKey) {
        if (configured.isPresent()) {
            String key = configured.get();
            if (key.length() < MIN_CONFIGURED_LENGTH) {
                throw new IllegalStateException("rigpool.gateway.auth.bootstrap-admin-key must have at least "
                        + MIN_CONFIGURED_LENGTH + " characters");
            }
            store.ensureAdminKey(NAME, key);
            return Optional.empty();
        }
        String key = newKey.get();
        return store.createFirstAdminKey(NAME, key) ? Optional.of(key) : Optional.empty();
    }
}
