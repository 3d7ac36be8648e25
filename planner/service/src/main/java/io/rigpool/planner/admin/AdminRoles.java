package io.rigpool.planner.admin;

import io.rigpool.planner.admin.AdminAccess.Standing;
import java.util.List;

/** The roles {@code @RolesAllowed} checks on the planner's HTTP side, and which standing holds which. */
public final class AdminRoles {

    /** May change things: drain, reserve, pin, forget a credential. */
    public static final String ADMIN = "admin";
    /** May read what the admin page shows, and {@code /api/} when reads are protected. */
    public static final String READ = "admin-read";

    private AdminRoles() {
    }

    static List<String> of(Standing standing) {
        return switch (standing) {
            case ADMIN -> List.of(ADMIN, READ);
            case PAGE_READER -> List.of(READ);
            case NONE -> List.of();
        };
    }
}
