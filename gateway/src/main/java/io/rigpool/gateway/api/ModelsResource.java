package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.catalogue.ModelCatalogue;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /v1/models} in OpenAI's shape, from the planner's catalogue. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    static final String OWNER = "rigpool";

    @Inject
    ModelCatalogue catalogue;

    public record ModelList(String object, List<Model> data) {
    }

    public record Model(String id, String object, @JsonProperty("owned_by") String ownedBy) {
    }

    @GET
    public ModelList list() {
        return new ModelList("list",
                catalogue.modelIds().stream().map(id -> new Model(id, "model", OWNER)).toList());
    }
}
