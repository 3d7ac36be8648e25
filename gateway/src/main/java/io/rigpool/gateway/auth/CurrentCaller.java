package io.rigpool.gateway.auth;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the request being handled, as the authentication filter found it. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** @throws IllegalStateException when no filter ran, which is a bug: every API path is authenticated */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller: the request did not pass the authentication filter");
        }
        return caller;
    }
}
