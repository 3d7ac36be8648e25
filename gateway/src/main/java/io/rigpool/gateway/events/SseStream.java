package io.rigpool.gateway.events;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.nio.charset.StandardCharsets;

/**
 * One open stream of server-sent events. Events written before the HTTP response subscribes are kept and sent
 * first, so a stream can be fed from the moment its job is watched, before the job is even accepted. Writes come
 * from several threads (the Kafka follower, the heartbeat); they are serialised here, as Reactive Streams demand.
 */
public final class SseStream {

    private final UnicastProcessor<byte[]> events = UnicastProcessor.create();
    private boolean ended;

    /** {@code data: <data>}; {@code name} and {@code id} may be null. {@code data} must be one line (JSON is). */
    public synchronized void event(String name, String id, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 32);
        if (name != null) {
            frame.append("event: ").append(name).append('\n');
        }
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        frame.append("data: ").append(data).append("\n\n");
        send(frame.toString());
    }

    public void data(String data) {
        event(null, null, data);
    }

    /** A comment line, which clients ignore: keeps idle connections open through proxies. */
    public synchronized void comment(String text) {
        send(": " + text + "\n\n");
    }

    public synchronized void end() {
        if (!ended) {
            ended = true;
            events.onComplete();
        }
    }

    public synchronized boolean ended() {
        return ended;
    }

    /** The bytes to send; subscribe once. */
    public Multi<byte[]> body() {
        return events;
    }

    private void send(String frame) {
        if (!ended) {
            events.onNext(frame.getBytes(StandardCharsets.UTF_8));
        }
    }
}
