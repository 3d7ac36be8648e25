package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.catalogue.ModelCatalogue;
import io.rigpool.gateway.jobs.JobEntity;
import io.rigpool.gateway.jobs.JobService;
import io.rigpool.gateway.jobs.JobSpec;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.UUID;

/** The native async jobs API: submit a chat job, then poll it. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    private final JobService jobs;
    private final ModelCatalogue catalogue;
    private final JobRequestReader reader;

    @Inject
    public JobsResource(JobService jobs, ModelCatalogue catalogue, GatewayConfig config) {
        this.jobs = jobs;
        this.catalogue = catalogue;
        this.reader = new JobRequestReader(config.limits().maxTokens(), config.defaults().maxTokens(),
                config.defaults().temperature(), config.defaults().topP());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(JsonNode body) {
        JobSpec spec = reader.read(body);
        if (!catalogue.serves(spec.model())) {
            throw ApiException.modelNotFound(spec.model());
        }
        JobEntity job = jobs.submit(spec);
        return Response.accepted(JobAccepted.of(job))
                .location(UriBuilder.fromResource(JobsResource.class).path(job.id.toString()).build())
                .build();
    }

    @GET
    @Path("{id}")
    public JobView get(@PathParam("id") String id) {
        UUID jobId;
        try {
            jobId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.jobNotFound(id);
        }
        return jobs.find(jobId).map(JobView::of).orElseThrow(() -> ApiException.jobNotFound(id));
    }
}
