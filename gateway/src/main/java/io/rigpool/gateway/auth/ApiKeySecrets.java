package io.rigpool.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes API keys and the one-way hash stored in their place. A key carries 256 random bits, so a plain SHA-256
 * suffices: nobody can guess a key from its hash, and no slow password hash is needed (or affordable per request).
 */
public final class ApiKeySecrets {

    public static final String PREFIX = "rp-";
    /** Characters of a key shown in listings, prefix included, so people can tell their keys apart. */
    static final int SHOWN_CHARACTERS = PREFIX.length() + 6;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {
    }

    /** A new key: {@code rp-} and 43 URL-safe characters. */
    public static String generate() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String hashHex(String key) {
        return HexFormat.of().formatHex(hash(key));
    }

    /** The start of a key, safe to show. */
    public static String shownPart(String key) {
        return key.substring(0, Math.min(SHOWN_CHARACTERS, key.length())) + "…";
    }
}
