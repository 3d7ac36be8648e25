package io.rigpool.gateway.auth;

import io.quarkus.arc.ClientProxy;
import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.ApiResponses;
import io.rigpool.gateway.availability.Availability;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Ties every API request to its key before the resource runs, and keeps non-admins out of {@code /v1/admin}. The
 * management endpoints under {@code /q} (health, metrics, OpenAPI) are not REST resources and stay open.
 *
 * <p>Most requests are answered from the key cache on the event loop; a key not in the cache is looked up on a
 * worker thread, never on the event loop.
 */
public class AuthFilter {

    private static final Logger LOG = Logger.getLogger(AuthFilter.class);
    static final String ADMIN_PATH = "/v1/admin";

    @Inject
    Authenticator authenticator;

    @Inject
    CurrentCaller currentCaller;

    @Inject
    Availability availability;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        // The request's own instance, taken here where its request context is active: a key lookup finishes on a
        // worker thread.
        CurrentCaller current = ClientProxy.unwrap(currentCaller);
        Caller cached;
        try {
            cached = authenticator.fromCache(authorization);
        } catch (AuthenticationFailure e) {
            return Uni.createFrom().item(ApiResponses.of(ApiException.unauthenticated(e.getMessage())));
        }
        if (cached != null) {
            return Uni.createFrom().item(admit(request, current, cached));
        }
        return Uni.createFrom().item(() -> authenticator.lookUp(authorization))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(caller -> admit(request, current, caller))
                .onFailure().recoverWithItem(this::refusal);
    }

    /** Null lets the request through. */
    private Response admit(ContainerRequestContext request, CurrentCaller current, Caller caller) {
        if (!caller.admin() && request.getUriInfo().getPath().startsWith(ADMIN_PATH)) {
            return ApiResponses.of(ApiException.forbidden("this needs an admin key; key '" + caller.name()
                    + "' is a " + caller.role().wireName() + " key"));
        }
        current.set(caller);
        return null;
    }

    private Response refusal(Throwable failure) {
        if (failure instanceof AuthenticationFailure) {
            return ApiResponses.of(ApiException.unauthenticated(failure.getMessage()));
        }
        // The key table is in PostgreSQL: if it cannot be read, the answer is "try again", not "wrong key".
        LOG.warnf("could not look up an API key (%s)", failure.toString());
        availability.databaseFailed(failure);
        return ApiResponses.of(ApiException.unavailable("the gateway cannot check API keys right now",
                availability.retryAfter()));
    }
}
