package io.rigpool.gateway.api;

import io.rigpool.common.errors.ErrorBody;
import java.time.Duration;
import java.util.Map;

/**
 * A request the gateway refuses, with what the client gets to see: HTTP status, error type, message, field, and
 * the headers that go with it ({@code Retry-After}, {@code WWW-Authenticate}).
 */
public class ApiException extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String MODEL_NOT_FOUND = "model_not_found";
    public static final String NOT_FOUND = "not_found_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String CONFLICT = "conflict_error";
    public static final String UNAVAILABLE = "service_unavailable_error";
    public static final String SERVER = "server_error";

    private final int status;
    private final String type;
    private final String field;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String message, String field) {
        this(status, type, message, field, null, Map.of());
    }

    public ApiException(int status, String type, String message, String field, String code,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** 400 for a request that breaks the API's rules; {@code field} names where, or is null for the whole body. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(400, INVALID_REQUEST, message, field);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, MODEL_NOT_FOUND,
                "model '" + model + "' is not served by this rigpool; GET /v1/models lists the models it serves",
                "model", MODEL_NOT_FOUND, Map.of());
    }

    public static ApiException contextLengthExceeded(String model, long contextLength, long estimatedTokens) {
        return new ApiException(400, INVALID_REQUEST, "the messages take about " + estimatedTokens
                + " tokens or more, and model '" + model + "' reads at most " + contextLength, "messages",
                "context_length_exceeded", Map.of());
    }

    public static ApiException jobNotFound(String jobId) {
        return new ApiException(404, NOT_FOUND, "no job with id '" + jobId + "'", null);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(401, AUTHENTICATION, message, null, "invalid_api_key",
                Map.of("WWW-Authenticate", "Bearer realm=\"rigpool\""));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, PERMISSION, message, null, "insufficient_role", Map.of());
    }

    /** 429: the client should wait {@code retryAfter} before it tries again. */
    public static ApiException tooManyRequests(String message, String code, Duration retryAfter) {
        return new ApiException(429, RATE_LIMIT, message, null, code,
                Map.of("Retry-After", String.valueOf(seconds(retryAfter))));
    }

    /** 503: a server the gateway needs is down; nothing was written. */
    public static ApiException unavailable(String message, Duration retryAfter) {
        return new ApiException(503, UNAVAILABLE, message, null, "service_unavailable",
                Map.of("Retry-After", String.valueOf(seconds(retryAfter))));
    }

    public static ApiException conflict(String message, String code) {
        return new ApiException(409, CONFLICT, message, null, code, Map.of());
    }

    /** Whole seconds, at least one: Retry-After has no finer unit, and 0 would invite a tight loop. */
    static long seconds(Duration duration) {
        long millis = Math.max(duration.toMillis(), 1);
        return (millis + 999) / 1000;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String field() {
        return field;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ErrorBody body() {
        return new ErrorBody(new ErrorBody.Error(type, getMessage(), field, field, code));
    }
}
