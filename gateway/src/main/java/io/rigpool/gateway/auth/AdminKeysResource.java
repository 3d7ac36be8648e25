package io.rigpool.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.api.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Key management, for admin keys only. */
@RolesAllowed(Role.ADMIN_ROLE)
@Path("/v1/admin/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Needs an admin key")
public class AdminKeysResource {

    @Inject
    ApiKeyStore store;

    @Inject
    Authenticator authenticator;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make an API key", description = "The answer holds the key; it is never shown again.")
    public Response create(JsonNode body) {
        NewApiKey request = KeyRequestReader.read(body);
        String key = ApiKeySecrets.generate();
        return Response.status(201).entity(ApiKeyView.of(store.create(request, key), key)).build();
    }

    @GET
    @Operation(summary = "List API keys", description = "Revoked keys included; never the keys themselves.")
    public List<ApiKeyView> list() {
        return store.all().stream().map(key -> ApiKeyView.of(key, null)).toList();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key", description = "At once on this gateway instance, within the key"
            + " cache's time on the others.")
    public ApiKeyView revoke(@PathParam("id") String id) {
        UUID keyId;
        try {
            keyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw keyNotFound(id);
        }
        ApiKeyRow revoked = store.revoke(keyId).orElseThrow(() -> keyNotFound(id));
        authenticator.forget(keyId);
        return ApiKeyView.of(revoked, null);
    }

    private static ApiException keyNotFound(String id) {
        return new ApiException(404, ApiException.NOT_FOUND, "no API key with id '" + id + "'", null);
    }
}
