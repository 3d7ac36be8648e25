package io.rigpool.planner.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.vertx.http.security.AuthorizationPolicy;
import io.rigpool.planner.nodes.AdminActions;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.plan.PlanView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** The models the fleet holds with their demand and replicas (read), and the admin's pins and minimums. */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private final FleetCoordinator fleet;
    private final AdminActions admin;

    ModelsResource(FleetCoordinator fleet, AdminActions admin) {
        this.fleet = fleet;
        this.admin = admin;
    }

    @GET
    @AuthorizationPolicy(name = ApiReads.NAME)
    public List<PlanView.ModelPlan> models() {
        return fleet.snapshot().plan().models();
    }

    @PUT
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{model}/pins/{node}")
    public Map<String, Object> pin(@PathParam("model") String model, @PathParam("node") String node) {
        admin.pin(model, node, true);
        return Map.of("model_id", model, "node_id", node, "pinned", true);
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{model}/pins/{node}")
    public Map<String, Object> unpin(@PathParam("model") String model, @PathParam("node") String node) {
        admin.pin(model, node, false);
        return Map.of("model_id", model, "node_id", node, "pinned", false);
    }

    /** Body: {@code {"min_replicas": 2}}; 0 removes the rule. */
    @PUT
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{model}/min-replicas")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> minReplicas(@PathParam("model") String model, JsonNode body) {
        int replicas = RequestFields.minReplicas(body);
        admin.setMinReplicas(model, replicas);
        return Map.of("model_id", model, "min_replicas", replicas);
    }
}
