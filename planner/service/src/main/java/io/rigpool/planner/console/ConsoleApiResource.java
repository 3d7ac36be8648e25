package io.rigpool.planner.console;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.admin.AdminRoles;
import io.rigpool.planner.admin.ApiException;
import io.rigpool.planner.admin.WhatIfRequests;
import io.rigpool.planner.models.WhatIfAnswers;
import io.rigpool.planner.nodes.FleetCoordinator;
import io.rigpool.planner.nodes.FleetSnapshot;
import io.rigpool.planner.plan.PlanHistory;
import io.rigpool.planner.plan.PlanHistoryStore;
import io.rigpool.planner.plan.PlanView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jboss.resteasy.reactive.ResponseHeader;

/**
 * The admin page's data, always behind the admin key (session cookie or bearer header, see
 * {@link io.rigpool.planner.admin.AdminKeyMechanism}): the fleet and its plan from one snapshot, the recent re-plans
 * from PostgreSQL, the what-if, and the choices the what-if offers.
 */
@RolesAllowed(AdminRoles.READ)
@Path("/admin/api")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleApiResource {

    private static final int MAX_HISTORY = 100;

    /** Nodes and plan from the same snapshot, so the page never mixes two moments. */
    public record FleetView(Instant generatedAt, long planVersion, List<FleetSnapshot.NodeView> nodes,
            PlanView plan) {
    }

    public record Card(String name, long vramBytes, double bandwidthGbps) {
    }

    /**
     * @param models models workers reported
     * @param shapes real-shape catalogue models
     */
    public record Choices(List<String> models, List<String> shapes, List<Card> cards) {
    }

    private final FleetCoordinator fleet;
    private final PlanHistoryStore history;
    private final WhatIfRequests whatIf;

    ConsoleApiResource(FleetCoordinator fleet, PlanHistoryStore history, WhatIfRequests whatIf) {
        this.fleet = fleet;
        this.history = history;
        this.whatIf = whatIf;
    }

    @GET
    @Path("fleet")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    public FleetView fleet() {
        FleetSnapshot snapshot = fleet.snapshot();
        return new FleetView(Instant.now(), snapshot.planVersion(), snapshot.nodes(), snapshot.plan());
    }

    @GET
    @Path("history")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    public List<PlanHistory.Entry> history(@QueryParam("limit") String limit) {
        int wanted = 15;
        if (limit != null && !limit.isBlank()) {
            try {
                wanted = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                wanted = -1;
            }
            if (wanted < 1 || wanted > MAX_HISTORY) {
                throw ApiException.badRequest("limit", "must be a whole number from 1 to " + MAX_HISTORY);
            }
        }
        try {
            return history.latest(wanted);
        } catch (SQLException e) {
            throw new ApiException(503, "unavailable", null, "the plan history cannot be read: " + e.getMessage());
        }
    }

    @GET
    @Path("estimate")
    public WhatIfAnswers.Answer estimate(@QueryParam("model") String model, @QueryParam("vram") String vram,
            @QueryParam("card") String card, @QueryParam("ctx") String ctx, @QueryParam("reserve") String reserve,
            @QueryParam("parallel") String parallel, @QueryParam("node") String node) {
        return whatIf.answer(model, vram, card, ctx, reserve, parallel, null, null, node);
    }

    @GET
    @Path("choices")
    public Choices choices() {
        return new Choices(List.copyOf(fleet.snapshot().models().keySet()).stream().sorted().toList(),
                RealModelShapes.all().stream().map(RealModelShape::name).toList(),
                RtxCards.all().stream().map(ConsoleApiResource::card).toList());
    }

    private static Card card(GpuSpec spec) {
        return new Card(spec.name(), spec.vramBytes(), spec.bandwidthGBps());
    }
}
