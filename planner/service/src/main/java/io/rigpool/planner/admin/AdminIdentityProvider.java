package io.rigpool.planner.admin;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.rigpool.planner.admin.AdminAccess.Standing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Turns what a request offers into its roles ({@link AdminRoles}). A wrong key is not refused here but leaves the
 * request anonymous, so an open read is still served; what needs a role then answers 401. The wrong key counts
 * against its address all the same.
 */
@ApplicationScoped
public class AdminIdentityProvider implements IdentityProvider<AdminCredentials> {

    @Inject
    AdminAccess access;

    @Override
    public Class<AdminCredentials> getRequestType() {
        return AdminCredentials.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AdminCredentials request, AuthenticationRequestContext context) {
        Standing standing = access.standing(request.authorization, request.sessionCookie, request.requestedBy);
        if (standing == Standing.NONE) {
            if (request.authorization != null && access.enabled()) {
                access.throttle().failed(request.client);
            }
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setAnonymous(true).build());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("admin"))
                .addRoles(Set.copyOf(AdminRoles.of(standing)))
                .build());
    }
}
