package io.rigpool.planner.admin;

import static io.rigpool.planner.admin.AdminAccess.Standing.ADMIN;
import static io.rigpool.planner.admin.AdminAccess.Standing.NONE;
import static io.rigpool.planner.admin.AdminAccess.Standing.PAGE_READER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-01T10:00:00Z"));
    private final AdminSessions sessions = new AdminSessions(clock, Duration.ofHours(1), 3);
    private final AdminAccess access = new AdminAccess(Optional.of("s3cret"), false, sessions,
            new LoginThrottle(java.time.Clock.systemUTC(), 5, java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofMinutes(15), java.time.Duration.ofHours(1), 100));

    @Test
    void theAdminKeyAsABearerHeaderIsAnAdmin() {
        assertEquals(NONE, access.standing(null, null, null));
        assertEquals(NONE, access.standing("Bearer wrong", null, null));
        assertEquals(NONE, access.standing("s3cret", null, null));
        assertEquals(ADMIN, access.standing("bearer s3cret", null, null));
        assertEquals(ADMIN, access.standing("Bearer  s3cret ", null, null));
    }

    @Test
    void theLoginFormGivesASessionThatChangesOnlyWithTheRequestHeader() {
        assertEquals(Optional.empty(), access.login("wrong"));
        String session = access.login("s3cret").orElseThrow();

        assertEquals(PAGE_READER, access.standing(null, session, null));
        assertEquals(PAGE_READER, access.standing(null, session, " "));
        assertEquals(ADMIN, access.standing(null, session, "rigpool-admin"));
        assertEquals(NONE, access.standing(null, session + "x", "rigpool-admin"));
        assertEquals(PAGE_READER, access.standing("Bearer wrong", session, null));
    }

    @Test
    void sessionsExpireAndEndAtLogout() {
        String first = sessions.start();
        String second = sessions.start();
        assertNotEquals(first, second);
        sessions.end(second);
        assertFalse(sessions.valid(second));

        clock.advance(Duration.ofMinutes(59));
        assertTrue(sessions.valid(first));
        clock.advance(Duration.ofMinutes(2));
        assertFalse(sessions.valid(first));
        assertFalse(sessions.valid(null));
        assertFalse(sessions.valid(""));
    }

    @Test
    void beyondTheLimitTheOldestSessionGoes() {
        String oldest = sessions.start();
        clock.advance(Duration.ofSeconds(1));
        String middle = sessions.start();
        clock.advance(Duration.ofSeconds(1));
        String newer = sessions.start();
        String newest = sessions.start();

        assertFalse(sessions.valid(oldest));
        assertTrue(sessions.valid(middle) && sessions.valid(newer) && sessions.valid(newest));
    }

    @Test
    void withoutAKeyNothingProtectedOpens() {
        AdminAccess off = new AdminAccess(Optional.of("  "), true, sessions, access.throttle());

        assertFalse(off.enabled());
        assertEquals(NONE, off.standing("Bearer  ", null, null));
        assertEquals(NONE, off.standing("Bearer ", off.sessions().start(), "rigpool-admin"));
        assertEquals(Optional.empty(), off.login(""));
    }
}
