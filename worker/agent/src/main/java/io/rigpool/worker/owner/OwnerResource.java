package io.rigpool.worker.owner;

import io.rigpool.common.errors.ErrorBody;
import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.worker.WorkerLifecycle;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The owner's switches on the worker's own HTTP port (127.0.0.1 by default), answered only to the owner
 * ({@link OwnerRequestCheck}: loopback peer and Host, no foreign Origin, and a custom header for changes): anyone
 * else gets 403. {@code POST /api/owner/pause}, {@code POST /api/owner/resume},
 * {@code PUT /api/owner/reserve} with {@code {"reserve": "2GiB"}}, {@code GET /api/owner}.
 */
@Path("/api/owner")
@Produces(MediaType.APPLICATION_JSON)
public class OwnerResource {

    /** What the owner has set. */
    public record OwnerView(boolean paused, String pausedBy, long reserveBytes) {

        static OwnerView of(OwnerControls.State s) {
            return new OwnerView(s.paused(), s.pausedBy(), s.reserveBytes());
        }
    }

    /** The body of {@code PUT /api/owner/reserve}. */
    public record ReserveRequest(String reserve) {
    }

    @Inject
    WorkerLifecycle lifecycle;

    @Context
    HttpServerRequest request;

    @GET
    public Response get() {
        return owner(false, () -> Response.ok(OwnerView.of(controls().state())).build());
    }

    @POST
    @Path("pause")
    public Response pause() {
        return owner(true, () -> {
            controls().pause();
            return Response.ok(OwnerView.of(controls().state())).build();
        });
    }

    @POST
    @Path("resume")
    public Response resume() {
        return owner(true, () -> {
            controls().resume();
            return Response.ok(OwnerView.of(controls().state())).build();
        });
    }

    @PUT
    @Path("reserve")
    public Response reserve(ReserveRequest body) {
        return owner(true, () -> {
            if (body == null || body.reserve() == null) {
                return badRequest("reserve", "reserve: give a size such as \"2GiB\" or \"0\"");
            }
            long bytes;
            try {
                bytes = ByteSizes.parse(body.reserve());
            } catch (IllegalArgumentException e) {
                return badRequest("reserve", "reserve: " + e.getMessage());
            }
            controls().reserve(bytes);
            return Response.ok(OwnerView.of(controls().state())).build();
        });
    }

    private OwnerControls controls() {
        return lifecycle.node().owner();
    }

    private Response owner(boolean changes, Supplier<Response> action) {
        Optional<String> refusal = OwnerRequestCheck.refusal(changes, fromThisPc(), header("Host"),
                header("Origin"), header(OwnerRequestCheck.HEADER));
        if (refusal.isPresent()) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity(ErrorBody.of(403, "forbidden", null, refusal.get())).build();
        }
        return action.get();
    }

    private String header(String name) {
        return request == null ? null : request.getHeader(name);
    }

    private boolean fromThisPc() {
        if (request == null || request.remoteAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(request.remoteAddress().host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Response badRequest(String field, String message) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(ErrorBody.of(400, "invalid_request", field, message)).build();
    }
}
