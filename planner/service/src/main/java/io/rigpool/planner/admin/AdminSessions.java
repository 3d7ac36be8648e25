package io.rigpool.planner.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins to the admin page: a random token per login, valid for a fixed time or until logout. Only the tokens'
 * SHA-256 digests are kept, in memory: a restart logs everyone out, which is fine for a handful of admins.
 */
public final class AdminSessions {

    private static final int TOKEN_BYTES = 32;

    private final Map<String, Instant> expiryByDigest = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final int maxSessions;

    public AdminSessions(Clock clock, Duration lifetime, int maxSessions) {
        if (lifetime.isNegative() || lifetime.isZero() || maxSessions < 1) {
            throw new IllegalArgumentException("sessions need a positive lifetime and room for one");
        }
        this.clock = clock;
        this.lifetime = lifetime;
        this.maxSessions = maxSessions;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new session's token (URL-safe, 256 random bits). */
    public String start() {
        Instant now = clock.instant();
        if (expiryByDigest.size() >= maxSessions) {
            expiryByDigest.values().removeIf(expiry -> !expiry.isAfter(now));
            while (expiryByDigest.size() >= maxSessions) {
                expiryByDigest.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                        .ifPresent(oldest -> expiryByDigest.remove(oldest.getKey()));
            }
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiryByDigest.put(digest(token), now.plus(lifetime));
        return token;
    }

    public boolean valid(String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            return false;
        }
        String key = digest(token);
        Instant expiry = expiryByDigest.get(key);
        if (expiry == null) {
            return false;
        }
        if (!expiry.isAfter(clock.instant())) {
            expiryByDigest.remove(key, expiry);
            return false;
        }
        return true;
    }

    public void end(String token) {
        if (token != null && !token.isEmpty() && token.length() <= 256) {
            expiryByDigest.remove(digest(token));
        }
    }

    private static String digest(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
