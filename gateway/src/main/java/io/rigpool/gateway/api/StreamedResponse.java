package io.rigpool.gateway.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * An answer whose status, headers and kind (one JSON document, or a stream of server-sent events) are known only
 * once the job is accepted or refused. Resources return it as a {@link RestMulti} of raw bytes, so one endpoint can
 * answer either way without blocking a thread while it waits. Endpoints that answer like this declare
 * {@link #MEDIA_TYPE}, and {@link StreamingAccept} lets any {@code Accept} header reach them.
 */
public record StreamedResponse(int status, Map<String, List<String>> headers, Multi<byte[]> body) {

    /** What such endpoints declare: neither JSON (which Quarkus would wrap in an array) nor SSE (it would frame). */
    public static final String MEDIA_TYPE = "application/octet-stream";

    public static StreamedResponse json(int status, byte[] json, Map<String, String> extraHeaders) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        extraHeaders.forEach((name, value) -> headers.put(name, List.of(value)));
        return new StreamedResponse(status, headers, Multi.createFrom().item(json));
    }

    public static StreamedResponse events(Multi<byte[]> events) {
        return new StreamedResponse(200, Map.of(
                "Content-Type", List.of("text/event-stream; charset=utf-8"),
                "Cache-Control", List.of("no-cache"),
                // Tells nginx-style proxies not to buffer the stream.
                "X-Accel-Buffering", List.of("no")), events);
    }

    public static StreamedResponse refusal(ApiException refusal, JsonWriter json) {
        return json(refusal.status(), json.bytes(refusal.body()), refusal.headers());
    }

    /** This answer, ready now. */
    public RestMulti<byte[]> now() {
        return later(Uni.createFrom().item(this));
    }

    /** An answer that will be known when {@code response} is. */
    public static RestMulti<byte[]> later(Uni<StreamedResponse> response) {
        return RestMulti.fromUniResponse(response, StreamedResponse::body, StreamedResponse::headers,
                StreamedResponse::status);
    }
}
