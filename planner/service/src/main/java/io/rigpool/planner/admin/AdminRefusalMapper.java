package io.rigpool.planner.admin;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Quarkus Security's refusals as the API's JSON errors. Authentication is not proactive
 * ({@code quarkus.http.auth.proactive=false}), so it runs inside the REST layer and these mappers see its failures.
 */
public class AdminRefusalMapper {

    @Inject
    AdminAccess access;

    @Inject
    SecurityIdentity identity;

    @ServerExceptionMapper
    public Response failed(AuthenticationFailedException e) {
        if (e.getCause() instanceof TooManyWrongKeys throttled) {
            return Response.fromResponse(ApiErrors.json(429, "too_many_wrong_keys", HttpHeaders.AUTHORIZATION,
                    throttled.getMessage())).header("Retry-After", RetryAfter.seconds(throttled.wait)).build();
        }
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response anonymous(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        if (identity.hasRole(AdminRoles.READ)) {
            return ApiErrors.json(403, "forbidden", AdminAccess.REQUEST_HEADER,
                    "a change made with the admin page's session needs the header " + AdminAccess.REQUEST_HEADER);
        }
        return ApiErrors.json(403, "forbidden", null, "this needs the admin key");
    }

    /** Without a configured key whatever needs one is closed (503), never open. */
    private Response unauthorized() {
        if (!access.enabled()) {
            return ApiErrors.json(503, "admin_disabled", null,
                    "the admin API is off: set rigpool.planner.admin-key (RIGPOOL_PLANNER_ADMIN_KEY)");
        }
        return Response.fromResponse(ApiErrors.json(401, "unauthorized", HttpHeaders.AUTHORIZATION,
                "this needs the admin key: Authorization: Bearer <key>, or log in at /admin/"))
                .header(HttpHeaders.WWW_AUTHENTICATE, AdminKeyMechanism.CHALLENGE).build();
    }
}
