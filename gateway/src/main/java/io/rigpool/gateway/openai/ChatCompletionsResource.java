package io.rigpool.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.CatalogueLookup;
import io.rigpool.gateway.api.JobRequestCheck;
import io.rigpool.gateway.api.JobRequestReader;
import io.rigpool.gateway.api.JobRequestReaders;
import io.rigpool.gateway.api.JobSubmissions;
import io.rigpool.gateway.api.JsonWriter;
import io.rigpool.gateway.api.RequestExecutor;
import io.rigpool.gateway.api.StreamedResponse;
import io.rigpool.gateway.auth.Caller;
import io.rigpool.gateway.auth.CurrentCaller;
import io.rigpool.gateway.auth.Role;
import io.rigpool.gateway.catalogue.ModelCatalogue;
import io.rigpool.gateway.events.JobEventHub;
import io.rigpool.gateway.events.JobEvents;
import io.rigpool.gateway.events.JobListener;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.jobs.JobCancellation;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.JobStatus;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * OpenAI's {@code POST /v1/chat/completions}, as a rigpool job: the job is stored and queued like any other, and
 * the request waits for it without holding a thread, answering with the whole completion, or (with
 * {@code stream: true}) with its tokens as server-sent events. A client that goes away cancels its job.
 */
@RolesAllowed(Role.USER_ROLE)
@Path("/v1/chat/completions")
@Tag(name = "openai", description = "OpenAI-compatible API")
public class ChatCompletionsResource {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsResource.class);
    static final String API = "chat";
    static final String ID_PREFIX = "chatcmpl-";

    private final JobSubmissions submissions;
    private final JobCancellation cancellation;
    private final JobEvents events;
    private final CurrentCaller currentCaller;
    private final JobRequestCheck check;
    private final JsonWriter json;
    private final Duration timeout;

    @Inject
    public ChatCompletionsResource(JobSubmissions submissions, JobCancellation cancellation, JobEvents events,
            CurrentCaller currentCaller, ModelCatalogue catalogue, GatewayConfig config, ObjectMapper mapper) {
        this.submissions = submissions;
        this.cancellation = cancellation;
        this.events = events;
        this.currentCaller = currentCaller;
        this.check = new JobRequestCheck(JobRequestReaders.of(config),
                CatalogueLookup.of(catalogue, config.availability().retryAfter()));
        this.json = new JsonWriter(mapper);
        this.timeout = config.chat().timeout();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(StreamedResponse.MEDIA_TYPE)
    @Operation(summary = "Create a chat completion", description = "OpenAI-compatible; with stream: true the"
            + " answer is a stream of chat.completion.chunk events ending with data: [DONE].")
    @APIResponse(responseCode = "200", description = "the completion, or its chunks as server-sent events",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChatCompletion.class)),
                @Content(mediaType = "text/event-stream",
                    schema = @Schema(implementation = ChatCompletionChunk.class))})
    public RestMulti<byte[]> create(JsonNode body) {
        Caller caller = currentCaller.get();
        JobSpec spec = check.check(body);
        boolean includeUsage = spec.stream() && JobRequestReader.streamIncludesUsage(body);
        UUID jobId = UUID.randomUUID();
        String id = ID_PREFIX + jobId;
        long created = Instant.now().getEpochSecond();
        return StreamedResponse.later(spec.stream()
                ? streamed(caller, jobId, spec, new ChatStreamStart(id, created, includeUsage))
                : whole(caller, jobId, spec, id, created));
    }

    private record ChatStreamStart(String id, long created, boolean includeUsage) {
    }

    private Uni<StreamedResponse> whole(Caller caller, UUID jobId, JobSpec spec, String id, long created) {
        CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        // Watch before submitting: the job can end before the submission's answer comes back.
        JobEventHub.Watch watch = events.hub().watch(jobId, (JobListener) outcome::complete);
        Executor requestThread = RequestExecutor.current();
        return Uni.createFrom().completionStage(() -> submissions.submit(caller, jobId, spec, null, API))
                .chain(submitted -> Uni.createFrom().completionStage(outcome)
                        .ifNoItem().after(timeout).failWith(() -> new ChatTimeout(timeout)))
                .emitOn(requestThread)
                .map(ended -> answer(id, created, spec, ended))
                .onFailure(ChatTimeout.class).invoke(() -> cancelInBackground(caller, jobId))
                .onFailure().recoverWithItem(this::refusal)
                .onCancellation().invoke(() -> {
                    if (!outcome.isDone()) {
                        cancelInBackground(caller, jobId);
                    }
                })
                .onTermination().invoke(watch::close);
    }

    private StreamedResponse answer(String id, long created, JobSpec spec, JobOutcome outcome) {
        if (outcome.status() == JobStatus.FAILED) {
            return StreamedResponse.refusal(ChatFailures.jobFailed(outcome), json);
        }
        if (outcome.status() == JobStatus.CANCELLED) {
            return StreamedResponse.refusal(ChatFailures.jobCancelled(), json);
        }
        return StreamedResponse.json(200, json.bytes(ChatCompletion.of(id, created, spec.model(),
                spec.options().logprobs(), outcome)), Map.of());
    }

    private Uni<StreamedResponse> streamed(Caller caller, UUID jobId, JobSpec spec, ChatStreamStart start) {
        SseStream sse = new SseStream();
        ChatStream stream = new ChatStream(sse, json, start.id(), start.created(), spec.model(),
                start.includeUsage(), spec.options().logprobs());
        JobEventHub.Watch watch = events.hub().watch(jobId, stream);
        Executor requestThread = RequestExecutor.current();
        return Uni.createFrom().completionStage(() -> submissions.submit(caller, jobId, spec, null, API))
                .emitOn(requestThread)
                .map(submitted -> {
                    events.heartbeats().add(sse);
                    return StreamedResponse.events(sse.body()
                            .emitOn(requestThread)
                            .onCancellation().invoke(() -> {
                                if (!stream.finished()) {
                                    cancelInBackground(caller, jobId);
                                }
                            })
                            .onTermination().invoke(() -> {
                                watch.close();
                                events.heartbeats().remove(sse);
                            }));
                })
                .onFailure().invoke(watch::close)
                .onFailure().recoverWithItem(this::refusal)
                .onCancellation().invoke(watch::close);
    }

    private StreamedResponse refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException refused) {
            return StreamedResponse.refusal(refused, json);
        }
        if (cause instanceof ChatTimeout timedOut) {
            return StreamedResponse.refusal(ChatFailures.timedOut(timedOut.timeout), json);
        }
        LOG.error("a chat completion failed", cause);
        return StreamedResponse.refusal(new ApiException(500, ApiException.SERVER,
                "the gateway failed to handle the request", null), json);
    }

    /** Nobody will read the answer: stop the worker. Cancelling touches the database, so never on the event loop. */
    private void cancelInBackground(Caller caller, UUID jobId) {
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                cancellation.cancel(caller, jobId);
            } catch (RuntimeException e) {
                LOG.warnf("could not cancel abandoned job %s (%s)", jobId, e.toString());
            }
        });
    }

    private static final class ChatTimeout extends RuntimeException {
        final Duration timeout;

        ChatTimeout(Duration timeout) {
            super("timed out after " + timeout, null, false, false);
            this.timeout = timeout;
        }
    }
}
