package io.rigpool.common.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses to start a service with a secret anyone could guess: one of the defaults this project ships (in its
 * config files, docs and local stack), or one shorter than {@value #MIN_LENGTH} characters. Each service passes its
 * secrets (setting name → value) at startup. The local stack, the tests' profiles and dev mode, where such secrets
 * are expected, switch the check off with {@code rigpool.allow-weak-secrets=true}.
 */
public final class SecretPolicy {

    /** The setting that switches the check off. */
    public static final String ALLOW_WEAK = "rigpool.allow-weak-secrets";

    public static final int MIN_LENGTH = 32;

    /** Values shipped as examples or defaults somewhere in rigpool, and the usual suspects. */
    private static final Set<String> KNOWN_DEFAULTS = Set.of("change-me", "changeme", "rigpool-local-token",
            "rigpool-local-admin-key", "test-admin-key", "rigpool", "postgres", "password", "secret", "admin");

    private SecretPolicy() {
    }

    /** What is wrong with this secret, or empty when it may be used. */
    public static Optional<String> weakness(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of("is empty");
        }
        if (KNOWN_DEFAULTS.contains(value.toLowerCase(Locale.ROOT))) {
            return Optional.of("is a known default");
        }
        if (value.length() < MIN_LENGTH) {
            return Optional.of("has " + value.length() + " characters, fewer than " + MIN_LENGTH);
        }
        return Optional.empty();
    }

    /**
     * Throws when any of the secrets is weak, naming every weak setting (never its value) and how to go on.
     *
     * @param secrets setting name → value; a setting that is not set at all may be passed as absent and is skipped
     */
    public static void requireStrong(String service, Map<String, Optional<String>> secrets, boolean allowWeak) {
        if (allowWeak) {
            return;
        }
        List<String> weak = new ArrayList<>();
        secrets.forEach((name, value) -> value.flatMap(SecretPolicy::weakness)
                .ifPresent(why -> weak.add(name + " " + why)));
        if (!weak.isEmpty()) {
            throw new IllegalStateException(service + " refuses to start with weak secrets: " + String.join("; ", weak)
                    + ". Use random values of at least " + MIN_LENGTH + " characters (e.g. openssl rand -base64 33),"
                    + " or set " + ALLOW_WEAK + "=true on a machine of your own.");
        }
    }
}
