package io.rigpool.planner.nodes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The per-session secret that binds a node id to the stream holding it. Every accepted hello gets a fresh one in its
 * {@code Welcome}; while that stream is open, only a hello presenting it may take the node id over (a worker that
 * reconnects before the planner noticed its old stream broke). Anyone else who knows the cluster token must wait
 * until the stream ended, so no node can take over another's live session. Only the digest is kept.
 */
final class NodeSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeSecrets() {
    }

    /** A new random secret: 256 bits, URL-safe Base64. */
    static String issue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the presented secret is the one whose digest is kept; constant time, and never for an empty one. */
    static boolean matches(byte[] kept, String presented) {
        return kept != null && !presented.isEmpty() && MessageDigest.isEqual(kept, digest(presented));
    }
}
