package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthOffGuardTest {

    @Test
    void authOffIsAllowedOnlyOnALoopbackHost() {
        assertEquals(Optional.empty(), AuthOffGuard.refusal(false, "127.0.0.1"));
        assertEquals(Optional.empty(), AuthOffGuard.refusal(false, "::1"));
        assertEquals(Optional.empty(), AuthOffGuard.refusal(false, "localhost"));
        String refusal = AuthOffGuard.refusal(false, "0.0.0.0").orElseThrow();
        assertTrue(refusal.contains("rigpool.gateway.auth.enabled=false") && refusal.contains("quarkus.http.host"),
                refusal);
        assertTrue(AuthOffGuard.refusal(false, "192.168.1.20").isPresent());
        assertTrue(AuthOffGuard.refusal(false, "").isPresent());
    }

    @Test
    void withAuthenticationOnAnyHostWill() {
        assertEquals(Optional.empty(), AuthOffGuard.refusal(true, "0.0.0.0"));
    }
}
