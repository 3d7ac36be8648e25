package io.rigpool.planner.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.vertx.http.security.AuthorizationPolicy;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.planner.nodes.AdminActions;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.nodes.FleetSnapshot;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's nodes: their GPUs and VRAM, models and assignments (read), and the admin's levers on a node: drain
 * and undrain, its VRAM reserve, and revoking its credential.
 */
@Path("/api/nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    private final FleetCoordinator fleet;
    private final AdminActions admin;

    NodesResource(FleetCoordinator fleet, AdminActions admin) {
        this.fleet = fleet;
        this.admin = admin;
    }

    @GET
    @AuthorizationPolicy(name = ApiReads.NAME)
    public List<FleetSnapshot.NodeView> nodes() {
        return fleet.snapshot().nodes();
    }

    /** The node finishes its running jobs, takes no new ones, and gets no runners until undrained. */
    @POST
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{node}/drain")
    public Map<String, Object> drain(@PathParam("node") String node) {
        admin.drain(node, true);
        return Map.of("node_id", node, "drained", true);
    }

    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{node}/drain")
    public Map<String, Object> undrain(@PathParam("node") String node) {
        admin.drain(node, false);
        return Map.of("node_id", node, "drained", false);
    }

    /** Body: {@code {"reserve": "2GiB"}} or {@code {"reserve_bytes": 2147483648}}. */
    @PUT
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{node}/reserve")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> reserve(@PathParam("node") String node, JsonNode body) {
        long bytes = RequestFields.reserve(body);
        admin.setReserve(node, bytes);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("node_id", node);
        answer.put("reserve_bytes", bytes);
        answer.put("reserve", ByteSizes.format(bytes));
        return answer;
    }

    /**
     * Revokes the node id's own credential, so that a reinstalled PC (its credential file gone) can enrol it again;
     * 404 when it has none.
     */
    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{node}/credential")
    public Map<String, Object> revokeCredential(@PathParam("node") String node) {
        admin.revokeCredential(node);
        return Map.of("node_id", node, "credential", "revoked");
    }

    /** Back to the configured default reserve. */
    @DELETE
    @RolesAllowed(AdminRoles.ADMIN)
    @Path("{node}/reserve")
    public Map<String, Object> defaultReserve(@PathParam("node") String node) {
        admin.setReserve(node, null);
        return Map.of("node_id", node, "reserve", "default");
    }
}
