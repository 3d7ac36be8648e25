package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootstrapAdminKeyTest {

    /** The key table's two atomic writes, kept in memory. */
    static final class Keys implements BootstrapAdminKey.Store {
        final List<String> admins = new ArrayList<>();

        @Override
        public boolean ensureAdminKey(String name, String key) {
            if (admins.contains(key)) {
                return false;
            }
            admins.add(key);
            return true;
        }

        @Override
        public boolean createFirstAdminKey(String name, String key) {
            if (!admins.isEmpty()) {
                return false;
            }
            admins.add(key);
            return true;
        }
    }

    @Test
    void aFirstStartWithoutAConfiguredKeyMakesOneToShowOnceOnly() {
        Keys keys = new Keys();

        Optional<String> first = BootstrapAdminKey.apply(Optional.empty(), keys, () -> "rp-made-now");
        Optional<String> second = BootstrapAdminKey.apply(Optional.empty(), keys, () -> "rp-made-later");

        assertEquals(Optional.of("rp-made-now"), first);
        assertEquals(Optional.empty(), second);
        assertEquals(List.of("rp-made-now"), keys.admins);
    }

    @Test
    void aConfiguredKeyIsStoredOnceAndNeverShown() {
        Keys keys = new Keys();
        String configured = "rp-configured-admin-key";

        assertEquals(Optional.empty(), BootstrapAdminKey.apply(Optional.of(configured), keys, () -> "unused"));
        assertEquals(Optional.empty(), BootstrapAdminKey.apply(Optional.of(configured), keys, () -> "unused"));
        assertEquals(List.of(configured), keys.admins);
    }

    @Test
    void aShortConfiguredKeyIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> BootstrapAdminKey.apply(Optional.of("admin"), new Keys(), () -> "unused"));
        assertTrue(refused.getMessage().contains("bootstrap-admin-key"));
    }
}
