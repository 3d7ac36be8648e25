package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.auth.Role;
import io.rigpool.gateway.catalogue.ModelCatalogue;
import io.rigpool.proto.v1.ModelCatalogEntry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/models} in OpenAI's shape, from the planner's catalogue: the models rigpool serves or can serve. */
@RolesAllowed(Role.USER_ROLE)
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "openai", description = "OpenAI-compatible API")
public class ModelsResource {

    static final String OWNER = "rigpool";

    @Inject
    ModelCatalogue catalogue;

    public record ModelList(String object, List<Model> data) {
    }

    /**
     * @param created when the planner last described the model, in Unix seconds
     * @param capabilities what a request to this model may ask for beyond plain chat (rigpool's own field)
     */
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
            @JsonProperty("context_length") long contextLength, ModelCapabilities capabilities) {

        static Model of(String id, ModelCatalogEntry entry) {
            return new Model(id, "model", entry.getUpdatedAtMs() / 1000, OWNER, entry.getContextLength(),
                    ModelCapabilities.of(entry));
        }
    }

    @GET
    @Operation(summary = "List models")
    public ModelList list() {
        return new ModelList("list", catalogue.modelIds().stream()
                .flatMap(id -> catalogue.find(id).map(entry -> Model.of(id, entry)).stream())
                .toList());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Describe a model")
    public Model get(@PathParam("id") String id) {
        return catalogue.find(id).map(entry -> Model.of(id, entry)).orElseThrow(() -> ApiException.modelNotFound(id));
    }
}
