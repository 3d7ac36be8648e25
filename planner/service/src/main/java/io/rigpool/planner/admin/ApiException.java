package io.rigpool.planner.admin;

/**
 * An HTTP error with the JSON body every service answers with ({@link io.rigpool.common.errors.ErrorBody}):
 * {@code {"error": {"type": "invalid_request_error", "message": "...", "field": "reserve", "param": "reserve",
 * "code": "bad_request"}}}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "bad_request", field, message);
    }

    public static ApiException notFound(String field, String message) {
        return new ApiException(404, "not_found", field, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
