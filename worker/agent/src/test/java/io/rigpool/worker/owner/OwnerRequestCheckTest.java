package io.rigpool.worker.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnerRequestCheckTest {

    @Test
    void theOwnersScriptIsAnswered() {
        assertEquals(Optional.empty(), OwnerRequestCheck.refusal(true, true, "localhost:8082", null, "1"));
        assertEquals(Optional.empty(), OwnerRequestCheck.refusal(true, true, "127.0.0.1:8082", null, "1"));
        assertEquals(Optional.empty(), OwnerRequestCheck.refusal(true, true, "[::1]:8082", null, "1"));
        assertEquals(Optional.empty(), OwnerRequestCheck.refusal(false, true, "localhost", null, null),
                "reading needs no header");
        assertEquals(Optional.empty(), OwnerRequestCheck.refusal(true, true, "localhost:8082",
                "http://localhost:8082", "1"), "the worker's own page");
    }

    @Test
    void anythingElseIsRefusedWithItsReason() {
        assertTrue(OwnerRequestCheck.refusal(true, false, "localhost", null, "1").orElseThrow().contains("loopback"));
        assertTrue(OwnerRequestCheck.refusal(true, true, "evil.example:8082", null, "1").orElseThrow()
                .contains("Host"));
        assertTrue(OwnerRequestCheck.refusal(true, true, null, null, "1").isPresent());
        assertTrue(OwnerRequestCheck.refusal(false, true, "localhost", "https://ads.example", null).orElseThrow()
                .contains("Origin https://ads.example"));
        assertTrue(OwnerRequestCheck.refusal(true, true, "localhost", null, null).orElseThrow()
                .contains("X-Rigpool-Owner"));
        assertTrue(OwnerRequestCheck.refusal(true, true, "localhost", "http://127.0.0.1.evil.example", "1")
                .isPresent());
    }
}
