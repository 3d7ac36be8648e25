package io.rigpool.gateway.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** A resource someone forgot to give a role check: the gateway must refuse it even to an admin. */
@Path("/v1/test-only/unguarded")
public class UnguardedResource {

    @GET
    public String open() {
        return "this should never be served";
    }
}
