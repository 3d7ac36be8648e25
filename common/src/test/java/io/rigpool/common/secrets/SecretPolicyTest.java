package io.rigpool.common.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretPolicyTest {

    private static final String STRONG = "q3J9v0cW1yZf8bKpL2mN5xR7tU4aE6hD";

    @Test
    void defaultsShortAndEmptySecretsAreWeak() {
        assertEquals(Optional.of("is a known default"), SecretPolicy.weakness("change-me"));
        assertEquals(Optional.of("is a known default"), SecretPolicy.weakness("rigpool-local-token"));
        assertEquals(Optional.of("has 31 characters, fewer than 32"), SecretPolicy.weakness("x".repeat(31)));
        assertEquals(Optional.of("is empty"), SecretPolicy.weakness(""));
        assertEquals(Optional.empty(), SecretPolicy.weakness(STRONG));
    }

    @Test
    void startIsRefusedNamingEveryWeakSettingButNeverItsValue() {
        Map<String, Optional<String>> secrets = new LinkedHashMap<>();
        secrets.put("rigpool.cluster-token", Optional.of("rigpool-local-token"));
        secrets.put("rigpool.planner.admin-key", Optional.of(STRONG));
        secrets.put("quarkus.datasource.password", Optional.of("hunter2"));
        secrets.put("rigpool.unset", Optional.empty());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SecretPolicy.requireStrong("planner", secrets, false));
        assertTrue(e.getMessage().contains("rigpool.cluster-token is a known default"), e.getMessage());
        assertTrue(e.getMessage().contains("quarkus.datasource.password has 7 characters"), e.getMessage());
        assertTrue(e.getMessage().contains(SecretPolicy.ALLOW_WEAK + "=true"), e.getMessage());
        assertFalse(e.getMessage().contains("admin-key"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void theExplicitSettingLetsWeakSecretsThrough() {
        SecretPolicy.requireStrong("planner", Map.of("rigpool.cluster-token", Optional.of("change-me")), true);
    }
}
