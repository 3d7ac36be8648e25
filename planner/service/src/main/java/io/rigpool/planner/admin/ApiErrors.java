package io.rigpool.planner.admin;

import io.rigpool.common.errors.ErrorBody;
import io.rigpool.planner.nodes.AdminActions;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the planner's API as the one error body of all services ({@link ErrorBody}), naming the field. */
public class ApiErrors {

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), e.code(), e.field(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknown(AdminActions.UnknownException e) {
        return json(404, "not_found", e.field(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = status == 404 ? "no such endpoint" : status == 405 ? "method not allowed here"
                : status == 415 ? "send application/json" : e.getMessage();
        return json(status, status == 404 ? "not_found" : "bad_request", null, message);
    }

    static Response json(int status, String code, String field, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(status, code, field, message)).build();
    }
}
