package io.rigpool.gateway.auth;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keys looked up recently, by the hex of their hash, so most requests authenticate without the database. Unknown
 * keys are remembered too, for a shorter time, so a client retrying with a wrong key does not hit the database on
 * every request. Bounded: when full it starts over, which costs one lookup per active key.
 */
public final class ApiKeyCache {

    /** What the cache knows of a key: its caller, or that no active key has this hash (caller null). */
    public record Entry(Caller caller, long expiresAtNanos) {
    }

    static final int MAX_ENTRIES = 10_000;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long knownTtlNanos;
    private final long unknownTtlNanos;
    private final LongSupplier nanoClock;

    public ApiKeyCache(Duration knownTtl, LongSupplier nanoClock) {
        this.knownTtlNanos = knownTtl.toNanos();
        this.unknownTtlNanos = Math.min(knownTtl.toNanos(), Duration.ofSeconds(5).toNanos());
        this.nanoClock = nanoClock;
    }

    /** The entry for this hash, or null when the key must be looked up. */
    public Entry find(String hashHex) {
        Entry entry = entries.get(hashHex);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(hashHex, entry);
            return null;
        }
        return entry;
    }

    /** Remembers a lookup's answer; {@code caller} null means no active key has this hash. */
    public Entry remember(String hashHex, Caller caller) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry entry = new Entry(caller, nanoClock.getAsLong() + (caller == null ? unknownTtlNanos : knownTtlNanos));
        entries.put(hashHex, entry);
        return entry;
    }

    /** Forgets a key at once, as when it is revoked on this instance. */
    public void forget(UUID keyId) {
        entries.values().removeIf(entry -> entry.caller() != null && keyId.equals(entry.caller().keyId()));
    }
}
