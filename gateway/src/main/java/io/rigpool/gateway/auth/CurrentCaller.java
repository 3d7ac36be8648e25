package io.rigpool.gateway.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** The caller of the request being handled, as {@link ApiKeyIdentityProvider} found it. */
@RequestScoped
public class CurrentCaller {

    @Inject
    SecurityIdentity identity;

    /** @throws IllegalStateException on a resource without a role check, which is a bug: every API path has one */
    public Caller get() {
        Caller caller = identity.getAttribute(Caller.CONTEXT_KEY);
        if (caller == null) {
            throw new IllegalStateException("no caller: the request was not authenticated");
        }
        return caller;
    }
}
