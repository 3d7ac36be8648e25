package io.rigpool.runner;

import java.util.Map;
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

    /** Asks the named generation to stop; false when no such generation is running. */
    boolean cancel(String requestId) {
        Generation generation = byRequestId.get(requestId);
        if (generation == null) {
            return false;
        }
        generation.cancel();
        return true;
    }

    int count() {
        return byRequestId.size();
    }
}
