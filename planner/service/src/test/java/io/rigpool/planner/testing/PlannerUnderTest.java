package io.rigpool.planner.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.WorkerHello;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The planner a Quarkus test runs, as its tests reach it: its address, the cluster token and admin key of the test
 * profile, and fake workers connected to it. Tests inject it instead of each repeating the port, token and key.
 */
@ApplicationScoped
public class PlannerUnderTest {

    /** How long a test waits for the planner to act on what a worker or an admin sent. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "rigpool.cluster-token")
    String token;

    @ConfigProperty(name = "rigpool.planner.admin-key")
    String adminKey;

    public String token() {
        return token;
    }

    public String adminKey() {
        return adminKey;
    }

    /** The planner's HTTP address (gRPC shares the port) followed by {@code path}, e.g. {@code url("admin/")}. */
    public String url(String path) {
        return TestHTTPResourceManager.getUri() + "/" + path;
    }

    /** The port of HTTP and gRPC alike. */
    public int port() {
        return URI.create(TestHTTPResourceManager.getUri()).getPort();
    }

    /** A worker connected over gRPC that has said nothing yet. */
    public FakeWorker worker() {
        return new FakeWorker(port());
    }

    /** A hello with the right cluster token; see {@link FakeWorker#hello(String, String, long, LocalModel...)}. */
    public WorkerHello.Builder hello(String nodeId, long gpuFreeBytes, LocalModel... models) {
        return FakeWorker.hello(nodeId, token, gpuFreeBytes, models);
    }

    /** A hello with the right cluster token and free RAM; see {@link FakeWorker}. */
    public WorkerHello.Builder hello(String nodeId, long gpuFreeBytes, long ramFreeBytes, LocalModel... models) {
        return FakeWorker.hello(nodeId, token, gpuFreeBytes, ramFreeBytes, models);
    }
}
