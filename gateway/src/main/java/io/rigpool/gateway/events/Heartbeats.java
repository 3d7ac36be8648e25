package io.rigpool.gateway.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open event streams of this instance, each sent a comment line now and then so idle proxies keep them. */
public final class Heartbeats {

    private final Set<SseStream> open = ConcurrentHashMap.newKeySet();

    public void add(SseStream stream) {
        open.add(stream);
    }

    public void remove(SseStream stream) {
        open.remove(stream);
    }

    public void beat() {
        open.removeIf(SseStream::ended);
        open.forEach(stream -> stream.comment("keep-alive"));
    }
}
