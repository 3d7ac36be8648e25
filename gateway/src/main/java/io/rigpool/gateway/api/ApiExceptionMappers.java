package io.rigpool.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.rigpool.gateway.availability.Availability;
import io.rigpool.gateway.database.DatabaseUnavailableException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into the JSON error body, so no client ever gets an HTML page or an empty answer: refused
 * requests, bodies Jackson cannot read, JAX-RS' own errors (unknown path, wrong media type) and, as a last resort,
 * bugs.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @Inject
    Availability availability;

    @ServerExceptionMapper
    public Response refused(ApiException e) {
        return ApiResponses.of(e);
    }

    /**
     * Bodies that are not JSON, or not the JSON expected. Listed by subtype too: Quarkus has its own mapper for
     * {@link MismatchedInputException}, which would otherwise answer with an empty 400.
     */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadableJson(JsonProcessingException e) {
        String field = JsonErrorPaths.of(e);
        String where = field == null ? "" : " at " + field;
        return refused(ApiException.invalid(field, "the request body is not valid JSON" + where + ": "
                + e.getOriginalMessage()));
    }

    /** JAX-RS' errors; Quarkus also wraps Jackson's parse errors in one of these. */
    @ServerExceptionMapper
    public Response webError(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse().getStatus();
        String type = switch (status) {
            case 404 -> ApiException.NOT_FOUND;
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : ApiException.INVALID_REQUEST;
        };
        return refused(new ApiException(status, type, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (DatabaseUnavailableException.isUnavailability(e)) {
            LOG.warnf("a request failed because PostgreSQL is unavailable (%s)", e.toString());
            availability.databaseFailed(e);
            return refused(ApiException.unavailable("PostgreSQL is unavailable; try again shortly",
                    availability.retryAfter()));
        }
        LOG.error("request failed", e);
        return refused(new ApiException(500, "internal_error", "the gateway failed to handle the request", null));
    }
}
