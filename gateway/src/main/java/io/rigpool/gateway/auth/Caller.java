package io.rigpool.gateway.auth;

import java.util.Objects;
import java.util.UUID;

/**
 * Who sent a request: the key's id, name, role and limits. With authentication off every request comes from
 * {@link #ANONYMOUS}, an admin without a key and without limits.
 *
 * @param keyId null only for the anonymous caller
 */
public record Caller(UUID keyId, String name, Role role, KeyLimits limits) {

    public static final Caller ANONYMOUS = new Caller(null, "anonymous", Role.ADMIN, KeyLimits.NONE);

    /** The security identity's attribute that holds the caller. */
    public static final String CONTEXT_KEY = "rigpool.caller";

    public boolean admin() {
        return role == Role.ADMIN;
    }

    /** Admins see every job; a user sees the jobs its own key submitted. */
    public boolean canSee(UUID jobOwner) {
        return admin() || Objects.equals(keyId, jobOwner);
    }
}
