package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeySecretsTest {

    @Test
    void keysAreLongRandomAndUrlSafe() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeySecrets.generate();
            assertTrue(key.matches("rp-[A-Za-z0-9_-]{43}"), key);
            keys.add(key);
        }
        assertEquals(1000, keys.size());
    }

    @Test
    void theHashIsSha256AndShownPartsRevealOnlyThePrefix() {
        String key = "rp-abcdefghijklmnopqrstuvwxyz";
        assertArrayEquals(ApiKeySecrets.hash(key), ApiKeySecrets.hash(key));
        assertEquals(32, ApiKeySecrets.hash(key).length);
        assertEquals(64, ApiKeySecrets.hashHex(key).length());
        assertFalse(ApiKeySecrets.hashHex(key).equals(ApiKeySecrets.hashHex(key + "x")));
        assertEquals("rp-abcdef…", ApiKeySecrets.shownPart(key));
    }
}
