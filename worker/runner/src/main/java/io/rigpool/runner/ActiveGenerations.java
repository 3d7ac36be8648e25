package io.rigpool.runner;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/** The generations running now, by request id, so that a Cancel can find the one it names. */
final class ActiveGenerations {

    private final Map<String, Generation> byRequestId = new ConcurrentHashMap<>();

    /** Registers a new generation; returns null when one with the same id is still running. */
    Generation begin(String requestId) {
        Generation generation = new Generation(requestId);
        return byRequestId.putIfAbsent(requestId, generation) == null ? generation : null;
    }

    void end(Generation generation) {
        byRequestId.remove(generation.requestId(), generation);
    }

    /** Asks the named generation to stop; the tokens it had sampled by then, or empty when no such one runs. */
    OptionalInt cancel(String requestId) {
        Generation generation = byRequestId.get(requestId);
        return generation == null ? OptionalInt.empty() : OptionalInt.of(generation.cancel());
    }

    int count() {
        return byRequestId.size();
    }
}
