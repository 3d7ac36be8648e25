package io.rigpool.planner.admin;

import io.rigpool.planner.nodes.AdminActions;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the planner's API as JSON naming the field at fault. */
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
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
