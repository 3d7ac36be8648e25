package io.rigpool.planner.admin;

import io.quarkus.vertx.http.security.AuthorizationPolicy;
import io.rigpool.planner.models.WhatIfAnswers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/estimate?model=gemma-2-27b-it-Q4_K_M&vram=8GiB&ctx=4096}: what full acceleration needs, how many
 * layers a card of that VRAM takes, and the decode speed-up over CPU only. {@code model} is a model a worker
 * reported or a real-shape catalogue name; {@code vram} may be replaced by {@code card} (an RTX name, which also
 * gives the bandwidth). Optional: {@code reserve} (default: the configured reserve), {@code parallel},
 * {@code gpu_bandwidth} and {@code cpu_bandwidth} in GB/s, {@code node} (that node's card and its speed as fitted
 * to its runners' measured decode speeds).
 */
@Path("/api/estimate")
@Produces(MediaType.APPLICATION_JSON)
public class EstimateResource {

    private final WhatIfRequests whatIf;

    EstimateResource(WhatIfRequests whatIf) {
        this.whatIf = whatIf;
    }

    @GET
    @AuthorizationPolicy(name = ApiReads.NAME)
    public WhatIfAnswers.Answer estimate(@QueryParam("model") String model, @QueryParam("vram") String vram,
            @QueryParam("card") String card, @QueryParam("ctx") String ctx, @QueryParam("reserve") String reserve,
            @QueryParam("parallel") String parallel, @QueryParam("gpu_bandwidth") String gpuBandwidth,
            @QueryParam("cpu_bandwidth") String cpuBandwidth, @QueryParam("node") String node) {
        return whatIf.answer(model, vram, card, ctx, reserve, parallel, gpuBandwidth, cpuBandwidth, node);
    }
}
