package io.rigpool.planner.admin;

import static io.rigpool.planner.admin.AdminAccess.Verdict.ALLOWED;
import static io.rigpool.planner.admin.AdminAccess.Verdict.DISABLED;
import static io.rigpool.planner.admin.AdminAccess.Verdict.MISSING_REQUEST_HEADER;
import static io.rigpool.planner.admin.AdminAccess.Verdict.UNAUTHORIZED;
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
    void openReadsOfTheApiButNeverThePagesData() {
        assertEquals(ALLOWED, access.check(true, false, null, null, null));
        assertEquals(UNAUTHORIZED, access.check(true, true, null, null, null));
        assertEquals(UNAUTHORIZED, access.check(false, false, null, null, null));
        assertEquals(UNAUTHORIZED, access.check(true, true, "Bearer wrong", null, null));
        assertEquals(ALLOWED, access.check(false, true, "bearer s3cret", null, null));
    }

    @Test
    void theLoginFormGivesASessionThatChangesOnlyWithTheRequestHeader() {
        assertEquals(Optional.empty(), access.login("wrong"));
        String session = access.login("s3cret").orElseThrow();

        assertEquals(ALLOWED, access.check(true, true, null, session, null));
        assertEquals(MISSING_REQUEST_HEADER, access.check(false, false, null, session, null));
        assertEquals(ALLOWED, access.check(false, false, null, session, "rigpool-admin"));
        assertEquals(UNAUTHORIZED, access.check(true, true, null, session + "x", null));
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
        assertEquals(DISABLED, off.check(true, false, "Bearer  ", null, null));
        assertEquals(Optional.empty(), off.login(""));
    }
}
