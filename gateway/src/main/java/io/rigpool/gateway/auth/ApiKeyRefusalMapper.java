package io.rigpool.gateway.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.ApiResponses;
import io.rigpool.gateway.availability.Availability;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Quarkus Security's refusals in the API's JSON error body, with the reason the key was refused. This works because
 * authentication is not proactive ({@code quarkus.http.auth.proactive=false}): it runs inside the REST layer, whose
 * exception mappers then see its failures.
 */
public class ApiKeyRefusalMapper {

    static final String CHALLENGE = "Bearer realm=\"rigpool\"";

    private static final Logger LOG = Logger.getLogger(ApiKeyRefusalMapper.class);

    @Inject
    Availability availability;

    @Inject
    SecurityIdentity identity;

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        if (e.getCause() instanceof KeyStoreUnavailable unavailable) {
            LOG.warnf("could not look up an API key (%s)", unavailable.getCause().toString());
            availability.databaseFailed(unavailable.getCause());
            return ApiResponses.of(ApiException.unavailable("the gateway cannot check API keys right now",
                    availability.retryAfter()));
        }
        String reason = e.getCause() instanceof AuthenticationFailure failure
                ? failure.getMessage()
                : AuthenticationFailure.missing().getMessage();
        return ApiResponses.of(ApiException.unauthenticated(reason));
    }

    /** No identity at all: a request that carried no credentials to any mechanism. */
    @ServerExceptionMapper
    public Response anonymous(UnauthorizedException e) {
        return ApiResponses.of(ApiException.unauthenticated(AuthenticationFailure.missing().getMessage()));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        Caller caller = identity.getAttribute(Caller.CONTEXT_KEY);
        String who = caller == null ? "" : "; key '" + caller.name() + "' is a " + caller.role().wireName() + " key";
        return ApiResponses.of(ApiException.forbidden("this needs an admin key" + who));
    }
}
