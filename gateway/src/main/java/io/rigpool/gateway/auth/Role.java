package io.rigpool.gateway.auth;

import java.util.List;
import java.util.Locale;

/** What a key may do: {@code user} runs and sees its own jobs; {@code admin} also sees all jobs and manages keys. */
public enum Role {
    USER,
    ADMIN;

    /** The role names {@code @RolesAllowed} checks: an admin key holds both. */
    public static final String USER_ROLE = "user";
    public static final String ADMIN_ROLE = "admin";

    /** The roles a key of this role holds: an admin may do all a user may. */
    public List<Role> includedRoles() {
        return this == ADMIN ? List.of(USER, ADMIN) : List.of(USER);
    }

    /** The name in the API and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is no role */
    public static Role fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("no role '" + name + "'");
    }
}
