package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Bearer parsing and the key cache, against an in-memory table of key hashes. */
class AuthenticatorTest {

    static final String KEY = "rp-the-right-key-0123456789";
    static final Caller ALICE = new Caller(UUID.randomUUID(), "alice", Role.USER, new KeyLimits(5, 10, 2));

    final AtomicLong clock = new AtomicLong();
    final AtomicInteger lookups = new AtomicInteger();
    final Map<String, Caller> table = new HashMap<>(Map.of(ApiKeySecrets.hashHex(KEY), ALICE));
    final Authenticator authenticator = new Authenticator(true, new ApiKeyCache(Duration.ofSeconds(30), clock::get),
            hash -> {
                lookups.incrementAndGet();
                return Optional.ofNullable(table.get(HexFormat.of().formatHex(hash)));
            });

    @Test
    void aKeyIsLookedUpOnceThenServedFromTheCacheUntilItExpires() {
        assertNull(authenticator.fromCache("Bearer " + KEY));
        assertSame(ALICE, authenticator.lookUp("Bearer " + KEY));
        assertSame(ALICE, authenticator.fromCache("bearer  " + KEY + " "));
        assertEquals(1, lookups.get());

        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        assertNull(authenticator.fromCache("Bearer " + KEY));
    }

    @Test
    void anUnknownKeyIsRememberedBrieflySoRetriesDoNotHitTheDatabase() {
        assertThrows(AuthenticationFailure.class, () -> authenticator.lookUp("Bearer rp-wrong"));
        assertThrows(AuthenticationFailure.class, () -> authenticator.fromCache("Bearer rp-wrong"));
        assertEquals(1, lookups.get());

        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        assertNull(authenticator.fromCache("Bearer rp-wrong"));
    }

    @Test
    void aForgottenKeyIsLookedUpAgain() {
        authenticator.lookUp("Bearer " + KEY);
        table.clear();
        authenticator.forget(ALICE.keyId());

        assertNull(authenticator.fromCache("Bearer " + KEY));
        assertThrows(AuthenticationFailure.class, () -> authenticator.lookUp("Bearer " + KEY));
    }

    @Test
    void headersThatAreNoBearerKeyAreRefused() {
        for (String header : new String[] {null, "", "Basic abc", "Bearer", "Token " + KEY}) {
            assertThrows(AuthenticationFailure.class, () -> authenticator.fromCache(header), String.valueOf(header));
        }
    }

    @Test
    void withAuthenticationOffEveryoneIsTheAnonymousAdmin() {
        Authenticator off = new Authenticator(false, new ApiKeyCache(Duration.ofSeconds(1), clock::get),
                hash -> Optional.empty());
        assertSame(Caller.ANONYMOUS, off.fromCache(null));
        assertSame(Caller.ANONYMOUS, off.lookUp("Bearer whatever"));
    }
}
