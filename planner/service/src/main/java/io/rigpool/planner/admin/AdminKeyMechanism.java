package io.rigpool.planner.admin;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * An admin proves themselves with the admin key: as {@code Authorization: Bearer <key>} (scripts), or as the admin
 * page's session cookie (see {@link AdminAccess}). A request with neither is anonymous, which open reads allow.
 */
@ApplicationScoped
public class AdminKeyMechanism implements HttpAuthenticationMechanism {

    static final String CHALLENGE = "Bearer realm=\"rigpool-planner\"";

    @Inject
    AdminAccess access;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviders) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        Cookie session = context.request().getCookie(AdminAccess.COOKIE);
        if (authorization == null && session == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String client = ClientAddress.of(context.request());
        Optional<Duration> wait = authorization == null ? Optional.empty() : access.throttle().retryAfter(client);
        if (wait.isPresent()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(new TooManyWrongKeys(wait.get())));
        }
        AdminCredentials credentials = new AdminCredentials(authorization, session == null ? null : session.getValue(),
                context.request().getHeader(AdminAccess.REQUEST_HEADER), client);
        return identityProviders.authenticate(HttpSecurityUtils.setRoutingContextAttribute(credentials, context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaders.WWW_AUTHENTICATE, CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(AdminCredentials.class);
    }
}
