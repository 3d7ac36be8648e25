package io.rigpool.planner.admin;

import io.quarkus.vertx.http.security.AuthorizationPolicy;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.plan.PlanView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The plan in force with every decision's reasons. */
@Path("/api/plan")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    private final FleetCoordinator fleet;

    PlanResource(FleetCoordinator fleet) {
        this.fleet = fleet;
    }

    @GET
    @AuthorizationPolicy(name = ApiReads.NAME)
    public PlanView plan() {
        return fleet.snapshot().plan();
    }
}
