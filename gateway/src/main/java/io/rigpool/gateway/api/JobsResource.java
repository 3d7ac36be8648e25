package io.rigpool.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.auth.CurrentCaller;
import io.rigpool.gateway.auth.Role;
import io.rigpool.gateway.availability.Availability;
import io.rigpool.gateway.catalogue.ModelCatalogue;
import io.rigpool.gateway.events.JobEventHub;
import io.rigpool.gateway.events.JobEvents;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.jobs.JobCancellation;
import io.rigpool.gateway.jobs.JobService;
import io.rigpool.gateway.jobs.JobSignals;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.store.JobRow;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** The native async jobs API: submit a chat job, poll it, list, cancel, and follow its tokens. */
@RolesAllowed(Role.USER_ROLE)
@Path(JobsResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs", description = "rigpool's own asynchronous jobs API")
public class JobsResource {

    static final String PATH = "/v1/jobs";
    static final String API = "jobs";

    private final JobSubmissions submissions;
    private final JobService jobs;
    private final JobCancellation cancellation;
    private final JobEvents events;
    private final CurrentCaller currentCaller;
    private final JobRequestCheck check;
    private final JsonWriter json;
    private final Availability availability;

    @Inject
    public JobsResource(JobSubmissions submissions, JobService jobs, JobCancellation cancellation, JobEvents events,
            CurrentCaller currentCaller, ModelCatalogue catalogue, GatewayConfig config, ObjectMapper mapper,
            Availability availability) {
        this.submissions = submissions;
        this.jobs = jobs;
        this.cancellation = cancellation;
        this.events = events;
        this.currentCaller = currentCaller;
        this.check = new JobRequestCheck(JobRequestReaders.of(config),
                CatalogueLookup.of(catalogue, config.availability().retryAfter()));
        this.json = new JsonWriter(mapper);
        this.availability = availability;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a chat job", description = "Answers 202 once the job is stored; a repeated"
            + " Idempotency-Key answers with the job it made before.")
    public Uni<Response> submit(JsonNode body, @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey) {
        Caller caller = currentCaller.get();
        // Anyone may follow a job of this API at /events, at any time: its tokens are always published.
        JobSpec spec = check.check(body).streamed();
        String key = IdempotencyKeys.check(idempotencyKey);
        return Uni.createFrom().completionStage(() -> submissions.submit(caller, UUID.randomUUID(), spec, key, API))
                .emitOn(RequestExecutor.current())
                .map(submitted -> Response.accepted(JobAccepted.of(submitted))
                        .location(URI.create(PATH + "/" + submitted.id()))
                        .header("Idempotent-Replayed", submitted.repeated() ? "true" : null)
                        .build());
    }

    @GET
    @Operation(summary = "List jobs", description = "Newest first; a user key sees its own jobs, an admin key all.")
    public JobList list(@QueryParam("limit") String limit, @QueryParam("after") String after,
            @QueryParam("status") String status, @QueryParam("model") String model,
            @QueryParam("created_after") String createdAfter, @QueryParam("created_before") String createdBefore) {
        Caller caller = currentCaller.get();
        JobListQuery query = JobListQuery.read(limit, after, status, model, createdAfter, createdBefore);
        JobRow cursor = null;
        if (query.after() != null) {
            cursor = jobs.findVisible(caller, query.after()).orElseThrow(() -> ApiException.invalid("after",
                    "after must be the id of a job in this listing; no job '" + query.after() + "'"));
        }
        JobService.Page page = jobs.list(caller, query.filter(), cursor, query.limit());
        return JobList.of(page.jobs().stream().map(JobView::of).toList(), page.hasMore());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a job", description = "Another key's job is a 404, like an unknown one.")
    public JobView get(@PathParam("id") String id) {
        return JobView.of(visibleJob(id));
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A queued job is cancelled at once (200); a running one is"
            + " asked to stop (202) and ends as cancelled when its worker has stopped it.")
    public Response cancel(@PathParam("id") String id) {
        UUID jobId = jobId(id);
        JobCancellation.Outcome outcome;
        try {
            outcome = cancellation.cancel(currentCaller.get(), jobId);
        } catch (JobSignals.SignalFailed e) {
            throw ApiException.unavailable("Kafka is unavailable, so the job's worker cannot be told to stop",
                    availability.retryAfter());
        }
        return switch (outcome.result()) {
            case NOT_FOUND -> throw ApiException.jobNotFound(id);
            case CANCELLED -> Response.ok(JobView.of(outcome.job())).build();
            case STOP_REQUESTED -> Response.accepted(JobView.of(outcome.job())).build();
            case ALREADY_FINISHED -> throw ApiException.conflict("job '" + id + "' has already "
                    + outcome.job().status().wireName(), "job_finished");
        };
    }

    @GET
    @Path("{id}/events")
    @Produces(StreamedResponse.MEDIA_TYPE)
    @Blocking
    @Operation(summary = "Follow a job's tokens (server-sent events)", description = "Replays the tokens made so"
            + " far, then follows; 'token' events carry {seq, text} with id = seq (Last-Event-ID resumes), and a"
            + " final 'done' event carries the result. Any gateway instance can serve any job's stream.")
    public RestMulti<byte[]> events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId) {
        JobRow job = visibleJob(id);
        SseStream sse = new SseStream();
        JobEventHub hub = events.hub();
        JobEventHub.Watch watch = hub.watch(job.id(), new JobEventStream(job.id().toString(), sse, json,
                lastSeen(lastEventId)));
        // Read again now that the watch is on: an end stored in between would otherwise go unheard until the
        // periodic check.
        JobRow now = job.status().terminal() ? job : jobs.findVisible(currentCaller.get(), job.id()).orElse(job);
        if (now.status().terminal()) {
            hub.finish(job.id(), JobOutcome.of(now));
        }
        events.heartbeats().add(sse);
        return StreamedResponse.events(sse.body().emitOn(RequestExecutor.current()).onTermination().invoke(() -> {
            watch.close();
            events.heartbeats().remove(sse);
        })).now();
    }

    private JobRow visibleJob(String id) {
        return jobs.findVisible(currentCaller.get(), jobId(id)).orElseThrow(() -> ApiException.jobNotFound(id));
    }

    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.jobNotFound(id);
        }
    }

    private static int lastSeen(String lastEventId) {
        if (lastEventId == null) {
            return -1;
        }
        try {
            return Integer.parseInt(lastEventId.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
