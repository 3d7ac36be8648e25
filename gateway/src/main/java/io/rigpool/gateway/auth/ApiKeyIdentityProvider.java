package io.rigpool.gateway.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns a key into a {@link SecurityIdentity} whose roles {@code @RolesAllowed} reads and whose {@link Caller}
 * (limits, key id) the resources read through {@link CurrentCaller}. Most requests are answered from the key cache
 * on the event loop; a key not in the cache is looked up in PostgreSQL on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyRequest> {

    @Inject
    Authenticator authenticator;

    @Override
    public Class<ApiKeyRequest> getRequestType() {
        return ApiKeyRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyRequest request, AuthenticationRequestContext context) {
        Caller cached;
        try {
            cached = authenticator.fromCache(request.authorization());
        } catch (AuthenticationFailure e) {
            return Uni.createFrom().failure(refused(e));
        }
        if (cached != null) {
            return Uni.createFrom().item(identity(cached));
        }
        return context.runBlocking(() -> {
            try {
                return identity(authenticator.lookUp(request.authorization()));
            } catch (AuthenticationFailure e) {
                throw refused(e);
            } catch (RuntimeException e) {
                // The key table cannot be read: the answer is "try again", not "wrong key" (ApiKeyRefusalMapper).
                throw new AuthenticationFailedException(new KeyStoreUnavailable(e));
            }
        });
    }

    private static AuthenticationFailedException refused(AuthenticationFailure failure) {
        return new AuthenticationFailedException(failure.getMessage(), failure);
    }

    static SecurityIdentity identity(Caller caller) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.name()))
                .addAttribute(Caller.CONTEXT_KEY, caller);
        for (Role role : caller.role().includedRoles()) {
            identity.addRole(role.wireName());
        }
        return identity.build();
    }
}
