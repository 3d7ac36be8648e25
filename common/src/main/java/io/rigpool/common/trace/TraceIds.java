package io.rigpool.common.trace;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The trace id that follows a job from its REST request through Kafka to the worker and back: one home for its
 * header names, its format and how it is read, so that gateway and worker agree.
 *
 * <p>A trace id is 32 lowercase hex digits, the trace-id of W3C Trace Context, so a caller's {@code traceparent}
 * carries straight through. A caller may instead send {@code X-Request-Id} (any short token of safe characters);
 * with neither, the job's own id gives it one. Whatever comes from outside is checked before it is used, so a
 * header cannot smuggle line breaks or other junk into logs or Kafka headers.
 */
public final class TraceIds {

    /** W3C Trace Context request header: {@code 00-<trace-id>-<parent-id>-<flags>}. */
    public static final String TRACEPARENT = "traceparent";
    /** The HTTP header that carries a trace id in and out of the gateway. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** The Kafka header on job records, job updates and token chunks. */
    public static final String KAFKA_HEADER = "rigpool-trace-id";
    /** The logging MDC key; the services' log formats print {@code %X{traceId}}. */
    public static final String MDC_KEY = "traceId";
    /** Longest request id taken from a caller. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern TRACEPARENT_FORMAT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern REQUEST_ID_FORMAT = Pattern.compile("[A-Za-z0-9._:\\-]{1," + MAX_LENGTH + "}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceIds() {
    }

    /** The trace-id of a valid W3C {@code traceparent} header; empty when absent or malformed. */
    public static Optional<String> fromTraceparent(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var m = TRACEPARENT_FORMAT.matcher(header.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(ZERO_TRACE)
                || m.group(3).equals(ZERO_PARENT) || (m.group(1).equals("00") && m.group(5) != null)) {
            return Optional.empty();
        }
        return Optional.of(m.group(2));
    }

    /** A caller's request id when it is safe to log and forward: 1..64 of {@code A-Z a-z 0-9 . _ : -}. */
    public static Optional<String> fromRequestId(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String id = header.trim();
        return REQUEST_ID_FORMAT.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** The trace id a caller sent: a valid {@code traceparent} first, else a valid {@code X-Request-Id}. */
    public static Optional<String> fromRequest(String traceparent, String requestId) {
        return fromTraceparent(traceparent).or(() -> fromRequestId(requestId));
    }

    /** The trace id of a job whose caller sent none: its id as 32 hex digits, the same wherever it is derived. */
    public static String ofJob(UUID jobId) {
        return jobId.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** A new random trace id. */
    public static String generate() {
        return ofJob(UUID.randomUUID());
    }

    /** The value of the Kafka header. */
    public static byte[] toHeader(String traceId) {
        return traceId.getBytes(StandardCharsets.UTF_8);
    }

    /** The trace id in a Kafka header's value, checked like a caller's request id; empty when absent or bad. */
    public static Optional<String> fromHeader(byte[] value) {
        return value == null ? Optional.empty() : fromRequestId(new String(value, StandardCharsets.UTF_8));
    }
}
