package io.rigpool.planner.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may do what on the planner's HTTP side. An admin proves themselves with the admin key: as
 * {@code Authorization: Bearer <key>} (scripts), or once on the admin page's login form, which gives an HttpOnly,
 * SameSite=Strict session cookie the page's requests carry. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about the key or its length. A change made with
 * the cookie must also carry {@value #REQUEST_HEADER}: a page on another site can send a cookie along with a form,
 * but not a custom header without the planner's consent (CORS), so the cookie alone cannot be abused.
 */
public final class AdminAccess {

    public static final String COOKIE = "rigpool_admin";
    public static final String REQUEST_HEADER = "X-Requested-By";

    /** What a request proved about its sender. */
    public enum Standing {
        /** The admin key as a bearer header, or the page's session with {@value #REQUEST_HEADER}: may do all. */
        ADMIN,
        /** The page's session without {@value #REQUEST_HEADER}: may read, not change (a cross-site form could). */
        PAGE_READER,
        /** Nothing, a wrong key, or an expired or unknown session. */
        NONE
    }

    private final Optional<byte[]> keyDigest;
    private final boolean protectReads;
    private final LoginThrottle throttle;
    private final AdminSessions sessions;

    public AdminAccess(Optional<String> adminKey, boolean protectReads, AdminSessions sessions,
            LoginThrottle throttle) {
        this.throttle = throttle;
        this.keyDigest = adminKey.filter(k -> !k.isBlank()).map(AdminAccess::digest);
        this.protectReads = protectReads;
        this.sessions = sessions;
    }

    public boolean enabled() {
        return keyDigest.isPresent();
    }

    /** Wrong admin keys per client address, and how long each must wait (login form and bearer header alike). */
    public LoginThrottle throttle() {
        return throttle;
    }

    public AdminSessions sessions() {
        return sessions;
    }

    /** Whether {@code GET}s of {@code /api/} need the admin key too ({@code rigpool.planner.protect-reads}). */
    public boolean protectReads() {
        return protectReads;
    }

    /**
     * @param authorization the Authorization header, or null
     * @param sessionCookie the session cookie's value, or null
     * @param requestedBy the {@value #REQUEST_HEADER} header, or null
     */
    public Standing standing(String authorization, String sessionCookie, String requestedBy) {
        if (keyDigest.isEmpty()) {
            return Standing.NONE;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && keyMatches(authorization.substring(7).trim())) {
            return Standing.ADMIN;
        }
        if (sessions.valid(sessionCookie)) {
            return requestedBy != null && !requestedBy.isBlank() ? Standing.ADMIN : Standing.PAGE_READER;
        }
        return Standing.NONE;
    }

    /** A new session for the admin page when {@code presentedKey} is the admin key. */
    public Optional<String> login(String presentedKey) {
        if (keyDigest.isEmpty() || presentedKey == null || !keyMatches(presentedKey.trim())) {
            return Optional.empty();
        }
        return Optional.of(sessions.start());
    }

    private boolean keyMatches(String presented) {
        return keyDigest.isPresent() && MessageDigest.isEqual(keyDigest.get(), digest(presented));
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
