package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which stream may speak for a node id (a live session's secret, the node's own credential), and which of its reports
 * the planner takes and survives, over real gRPC.
 */
@RigpoolQuarkusTest
class NodeBindingTest {

    @Inject
    PlannerUnderTest planner;

    @Inject
    FleetCoordinator fleet;

    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void aSecondStreamCannotTakeOverALiveNodeButItsOwnReconnectCan() throws Exception {
        String node = "bound-" + UUID.randomUUID().toString().substring(0, 8);
        try (FakeWorker owner = planner.worker()) {
            owner.send(planner.hello(node, 8 * GIB));
            await().atMost(WAIT).until(() -> secret(owner) != null);
            // Even with the node's credential (a second worker started on the same PC), not without the session's
            // secret; without the credential the hello never gets this far (the test below).
            try (FakeWorker intruder = planner.worker()) {
                intruder.send(planner.hello(node, 24 * GIB).setNodeCredential(owner.welcomeCredential()));
                await().atMost(WAIT).until(() -> intruder.error != null);
                assertEquals(Status.Code.PERMISSION_DENIED, Status.fromThrowable(intruder.error).getCode());
                assertTrue(intruder.received.stream().anyMatch(m -> m.hasRefusal()
                        && m.getRefusal().getReason().contains("held by a live session")),
                        intruder.received.toString());
            }
            given().get("/api/nodes").then().body("find { it.node_id == '" + node + "' }.gpus[0].free_bytes",
                    org.hamcrest.Matchers.equalTo(8 * GIB));

            try (FakeWorker reconnect = planner.worker()) {
                reconnect.send(planner.hello(node, 6 * GIB).setNodeSecret(secret(owner))
                        .setNodeCredential(owner.welcomeCredential()));
                await().atMost(WAIT).until(() -> secret(reconnect) != null);
                await().atMost(WAIT).until(() -> owner.completed || owner.error != null);
                assertTrue(reconnect.error == null, String.valueOf(reconnect.error));
            }
        }
    }

    @Test
    void anOfflineNodesIdAnswersOnlyToItsOwnCredentialUntilAnAdminRevokesIt() throws Exception {
        String node = "enrolled-" + UUID.randomUUID().toString().substring(0, 8);
        String credential;
        try (FakeWorker first = planner.worker()) {
            first.send(planner.hello(node, 8 * GIB));
            await().atMost(WAIT).until(() -> first.welcomeCredential() != null);
            credential = first.welcomeCredential();
            assertEquals(43, credential.length(), "256 random bits, URL-safe Base64");
        }
        assertEquals(1, storedCredentials(node), "the digest is stored, so a restarted planner still knows it");

        // The node is offline now: no live session protects its id, its credential does.
        FakeWorker intruder = planner.worker();
        intruder.send(planner.hello(node, 24 * GIB));
        await().atMost(WAIT).until(() -> intruder.error != null);
        assertEquals(Status.Code.PERMISSION_DENIED, Status.fromThrowable(intruder.error).getCode());
        assertTrue(intruder.received.stream().anyMatch(m -> m.hasRefusal()
                && m.getRefusal().getReason().contains("belongs to another PC")), intruder.received.toString());
        intruder.close();

        try (FakeWorker back = planner.worker()) {
            back.send(planner.hello(node, 8 * GIB).setNodeCredential(credential));
            await().atMost(WAIT).until(() -> back.received.stream().anyMatch(PlannerMessage::hasWelcome));
            assertEquals("", back.welcomeCredential(), "an enrolled node gets no new credential");
        }

        // A reinstalled PC lost its file: only the admin can let it enrol again, and only once.
        given().delete("/api/nodes/" + node + "/credential").then().statusCode(401);
        given().header("Authorization", "Bearer " + planner.adminKey()).delete("/api/nodes/" + node + "/credential")
                .then().statusCode(200);
        given().header("Authorization", "Bearer " + planner.adminKey()).delete("/api/nodes/" + node + "/credential")
                .then().statusCode(404);
        assertEquals(0, storedCredentials(node));
        try (FakeWorker reinstalled = planner.worker()) {
            reinstalled.send(planner.hello(node, 8 * GIB));
            await().atMost(WAIT).until(() -> reinstalled.welcomeCredential() != null && !reinstalled.welcomeCredential().isEmpty());
            assertTrue(!credential.equals(reinstalled.welcomeCredential()), "a new credential, not the revoked one");
        }
    }

    @Test
    void aMessageBeyondItsLimitsEndsTheStreamWithTheRuleItBroke() throws Exception {
        LocalModel huge = LocalModel.newBuilder().setModelId("huge").setSizeBytes(GIB).setBlockCount(Integer.MAX_VALUE)
                .build();
        try (FakeWorker w = planner.worker()) {
            w.send(FakeWorker.hello("huge-" + UUID.randomUUID().toString().substring(0, 8), planner.token(), 8 * GIB, huge));
            await().atMost(WAIT).until(() -> w.error != null);
            assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(w.error).getCode());
            assertEquals("hello refused: models[0].block_count is 2147483647, outside 0..1024",
                    w.received.stream().filter(PlannerMessage::hasRefusal).findFirst().orElseThrow().getRefusal()
                            .getReason());
        }
    }

    @Test
    void aLoadReportOfAModelTheNodeWasNotAssignedIsIgnored() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "reporter-" + suffix;
        LocalModel mine = FakeWorker.model("mine-" + suffix, 2 * GIB, 16);
        try (FakeWorker w = planner.worker()) {
            var hello = planner.hello(node, 11 * GIB, mine);
            w.send(hello);
            w.keepBeating(Heartbeat.newBuilder().addAllGpus(hello.getGpusList()).setRamFreeBytes(
                    hello.getRamFreeBytes()).build(), Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> w.latestAssignments() != null
                    && w.latestAssignments().getAssignments().getAssignmentsCount() == 1);
            // A short offload of another node's model would cap that model here, and is not this node's to report.
            w.runnerEvent(RunnerEvent.newBuilder().setModelId("theirs-" + suffix).setLoaded(RunnerLoadReport
                    .newBuilder().setNGpuLayersRequested(17).setLayersOffloaded(2).setLayersTotal(17)
                    .setGpuBackendPresent(true)).build());
            // Then one of its own, which is taken: once its cap shows, the earlier event has been handled too.
            w.runnerEvent(RunnerEvent.newBuilder().setModelId(mine.getModelId()).setLoaded(RunnerLoadReport
                    .newBuilder().setNGpuLayersRequested(17).setLayersOffloaded(6).setLayersTotal(17)
                    .setGpuBackendPresent(true)).build());
            String caps = "find { it.node_id == '" + node + "' }.layer_caps";
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/nodes").then()
                    .body(caps + ".model_id", hasItem(mine.getModelId())));
            given().get("/api/nodes").then().body(caps + ".model_id", not(hasItem("theirs-" + suffix)));
        }
    }

    @Test
    void aReportWithAGpuBackendButNoLayerCountDoesNotStopTheSnapshots() throws Exception {
        // Found by WorkerStreamFuzzTest: such a heartbeat made every fleet snapshot (and every message after it) fail.
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "odd-report-" + suffix;
        LocalModel m = FakeWorker.model("odd-" + suffix, 2 * GIB, 16);
        long failedBefore = fleet.failedLoopTasks();
        try (FakeWorker w = planner.worker()) {
            var hello = planner.hello(node, 11 * GIB, m);
            w.send(hello);
            await().atMost(WAIT).until(() -> w.latestAssignments() != null
                    && w.latestAssignments().getAssignments().getAssignmentsCount() == 1);
            w.keepBeating(Heartbeat.newBuilder().addAllGpus(hello.getGpusList()).setRamFreeBytes(
                    hello.getRamFreeBytes()).addLoaded(LoadedModel.newBuilder().setModelId(m.getModelId())
                    .setState(LoadState.LOAD_STATE_READY).setSlotsTotal(1).setNGpuLayers(17).setNCtx(4096)
                    .setLoadReport(RunnerLoadReport.newBuilder().setGpuBackendPresent(true).setLayersTotal(0)))
                    .build(), Duration.ofSeconds(1));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/nodes").then().body("find { it.node_id == '"
                    + node + "' }.loaded.model_id", hasItem(m.getModelId())));
            assertEquals(failedBefore, fleet.failedLoopTasks());
        }
    }

    private long storedCredentials(String node) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT count(*) FROM planner.node_credentials WHERE node_id = ?")) {
            s.setString(1, node);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String secret(FakeWorker w) {
        return w.received.stream().filter(PlannerMessage::hasWelcome).map(m -> m.getWelcome().getNodeSecret())
                .reduce((a, b) -> b).orElse(null);
    }
}
