package io.rigpool.common.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    @Test
    void theTypeFollowsTheStatusAsOpenAiNamesItAndTheFieldIsAlsoTheParam() {
        ErrorBody body = ErrorBody.of(400, "bad_request", "reserve", "not a size");
        assertEquals(new ErrorBody.Error("invalid_request_error", "not a size", "reserve", "reserve", "bad_request"),
                body.error());
        assertEquals("authentication_error", ErrorBody.typeFor(401));
        assertEquals("permission_error", ErrorBody.typeFor(403));
        assertEquals("not_found_error", ErrorBody.typeFor(404));
        assertEquals("rate_limit_error", ErrorBody.typeFor(429));
        assertEquals("service_unavailable_error", ErrorBody.typeFor(503));
        assertEquals("server_error", ErrorBody.typeFor(500));
        assertEquals("invalid_request_error", ErrorBody.typeFor(415));
    }
}
