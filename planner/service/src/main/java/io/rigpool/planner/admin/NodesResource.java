package io.rigpool.planner.admin;

import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.nodes.FleetSnapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Admin view of the fleet: nodes, their GPUs and VRAM, models and current assignments. */
@Path("/api/nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    private final FleetCoordinator fleet;

    NodesResource(FleetCoordinator fleet) {
        this.fleet = fleet;
    }

    @GET
    public List<FleetSnapshot.NodeView> nodes() {
        return fleet.snapshot().nodes();
    }
}
