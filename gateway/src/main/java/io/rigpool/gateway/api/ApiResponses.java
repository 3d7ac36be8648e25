package io.rigpool.gateway.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The HTTP answer to a refused request: the JSON error body with the refusal's status and headers. */
public final class ApiResponses {

    private ApiResponses() {
    }

    public static Response of(ApiException refusal) {
        Response.ResponseBuilder response = Response.status(refusal.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(refusal.body());
        refusal.headers().forEach(response::header);
        return response.build();
    }
}
