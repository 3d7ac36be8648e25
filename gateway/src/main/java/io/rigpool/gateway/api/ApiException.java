package io.rigpool.gateway.api;

/** A request the gateway refuses, with what the client gets to see: HTTP status, error type, message and field. */
public class ApiException extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String MODEL_NOT_FOUND = "model_not_found";
    public static final String NOT_FOUND = "not_found_error";

    private final int status;
    private final String type;
    private final String field;

    public ApiException(int status, String type, String message, String field) {
        super(message);
        this.status = status;
        this.type = type;
        this.field = field;
    }

    /** 400 for a request that breaks the API's rules; {@code field} names where, or is null for the whole body. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(400, INVALID_REQUEST, message, field);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, MODEL_NOT_FOUND,
                "model '" + model + "' is not served by this rigpool; GET /v1/models lists the models it serves",
                "model");
    }

    public static ApiException jobNotFound(String jobId) {
        return new ApiException(404, NOT_FOUND, "no job with id '" + jobId + "'", null);
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

    public ErrorBody body() {
        return new ErrorBody(new ErrorBody.Error(type, getMessage(), field));
    }
}
