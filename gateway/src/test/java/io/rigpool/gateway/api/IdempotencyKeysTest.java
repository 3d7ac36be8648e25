package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void visibleAsciiUpTo255CharactersIsAKey() {
        assertNull(IdempotencyKeys.check(null));
        assertEquals("order-42:retry_1", IdempotencyKeys.check("order-42:retry_1"));
        assertEquals("k".repeat(255), IdempotencyKeys.check("k".repeat(255)));
    }

    @Test
    void anythingElseIsRefusedNamingTheHeader() {
        for (String key : new String[] {"", "k".repeat(256), "with space", "tab\t", "ключ"}) {
            assertEquals("Idempotency-Key", assertThrows(ApiException.class, () -> IdempotencyKeys.check(key))
                    .field(), key);
        }
    }
}
