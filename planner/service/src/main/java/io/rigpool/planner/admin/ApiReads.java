package io.rigpool.planner.admin;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads of {@code /api/} are open unless {@code rigpool.planner.protect-reads} is on: a rule of configuration, so a
 * policy ({@code @AuthorizationPolicy(name = ApiReads.NAME)} on the API's {@code GET}s) rather than a fixed role.
 * Open reads do not even look at the credentials, as before Quarkus Security: a wrong key still reads.
 */
@ApplicationScoped
public class ApiReads implements HttpSecurityPolicy {

    public static final String NAME = "api-read";

    @Inject
    AdminAccess access;

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext context) {
        if (!access.protectReads()) {
            return CheckResult.permit();
        }
        return identity.map(who -> who.hasRole(AdminRoles.READ) ? CheckResult.PERMIT : CheckResult.DENY);
    }

    @Override
    public String name() {
        return NAME;
    }
}
