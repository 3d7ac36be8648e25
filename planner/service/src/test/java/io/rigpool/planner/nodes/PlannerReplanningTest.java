package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.common.topics.Topics;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.infra.SharedInfrastructure;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.ShapeGeometries;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerLoadReport;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Re-planning driven by what workers report: free VRAM, busy slots, measured buffers, failures, and demand. */
@RigpoolQuarkusTest
class PlannerReplanningTest {

    @Inject
    PlannerUnderTest planner;

    @Test
    void aGameStartingLowersThatNodesLayersWithinOneHeartbeatAndLeavesOthersAlone() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gamer = "gamer-" + suffix;
        String other = "bystander-" + suffix;
        LocalModel m = FakeWorker.model("game-model-" + suffix, 2 * GIB, 16);
        LocalModel n = FakeWorker.model("other-model-" + suffix, 2 * GIB, 16);
        try (FakeWorker g = planner.worker(); FakeWorker o = planner.worker()) {
            g.send(planner.hello(gamer, 11 * GIB, m));
            o.send(planner.hello(other, 11 * GIB, n));
            await().atMost(WAIT).until(() -> assigned(g) != null && assigned(o) != null);
            Assignment before = assigned(g);
            assertEquals(17, before.getNGpuLayers(), "the whole model fits at first: " + before.getReason());
            long othersSets = o.assignmentSetsReceived();

            // The runner is loaded: free VRAM no longer includes what it holds.
            long used = 5 * GIB;
            g.heartbeat(beat(11 * GIB - used, loaded(before, 0)));
            g.heartbeat(beat(11 * GIB - used - 200L * (1 << 20), loaded(before, 0)));
            long setsBeforeGame = g.assignmentSetsReceived();
            // A game takes 6 GB.
            g.heartbeat(beat(11 * GIB - used - 6 * GIB, loaded(before, 0)));
            await().atMost(WAIT).until(() -> g.assignmentSetsReceived() > setsBeforeGame);
            Assignment after = assigned(g);
            assertTrue(after == null || after.getNGpuLayers() < before.getNGpuLayers(), "layers must go down: "
                    + (after == null ? "moved away" : after.getReason()));
            assertEquals(othersSets, o.assignmentSetsReceived(), "the other node was not touched");
        }
    }

    @Test
    void aBusyRunnerDrainsBeforeItIsChanged() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "busy-" + suffix;
        LocalModel m = FakeWorker.model("busy-model-" + suffix, 2 * GIB, 16);
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            Assignment before = assigned(w);
            w.heartbeat(beat(6 * GIB, loaded(before, 1)));
            w.heartbeat(beat(0, loaded(before, 1)));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/plan").then()
                    .body("nodes.find { it.node_id == '" + node + "' }.assigned[0].draining", equalTo(true)));
            // The node is told to drain the runner: same parameters, no new jobs.
            await().atMost(WAIT).until(() -> assigned(w).getDrain());
            Assignment draining = assigned(w);
            assertEquals(before.toBuilder().clearReason().setDrain(true).build(),
                    draining.toBuilder().clearReason().build(), "nothing but the drain flag changes while its job runs");
            long drainingSets = w.assignmentSetsReceived();

            w.heartbeat(beat(0, loaded(before, 0)));
            await().atMost(WAIT).until(() -> w.assignmentSetsReceived() > drainingSets);
            Assignment after = assigned(w);
            assertTrue(after == null || after.getNGpuLayers() < before.getNGpuLayers());
        }
    }

    @Test
    void buffersARunnerMeasuredAreStoredAndReplaceTheEstimate() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "measured-" + suffix;
        String modelId = "llama-1b-" + suffix;
        var shape = RealModelShapes.byName("Llama-3.2-1B-Instruct-Q8_0");
        LocalModel m = LocalModel.newBuilder().setModelId(modelId).setFileName(modelId + ".gguf")
                .setSizeBytes(shape.fileSize()).setArchitecture("llama").setBlockCount(16).setContextLength(131072)
                .setGeometry(GeometryMapping.toProto(ShapeGeometries.of(shape))).build();
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            // The plan view is published after the assignment is sent: wait for it rather than read it at once.
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/plan").then().statusCode(200).body(
                    "nodes.find { it.node_id == '" + node + "' }.runners[0].basis", equalTo("estimated")));
            Assignment a = assigned(w);
            RunnerLoadReport report = RunnerLoadReport.newBuilder().setNGpuLayersRequested(a.getNGpuLayers())
                    .setGpuBackendPresent(true).setNCtx(a.getNCtx()).setParallelSlots(a.getParallelSlots())
                    .setCacheTypeK("f16").setCacheTypeV("f16").setNBatch(2048).setNUbatch(512).setMmap(true)
                    .setLlamaCppBuild("b4916").setLayersOffloaded(17).setLayersTotal(17)
                    .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_MODEL, 1_500L << 20))
                    .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_KV, 128L << 20))
                    .addBuffers(buffer("CUDA0", BufferKind.BUFFER_KIND_COMPUTE, 300L << 20))
                    .addBuffers(buffer("CPU_Mapped", BufferKind.BUFFER_KIND_MODEL, 500L << 20)).build();
            w.heartbeat(beat(8 * GIB, loaded(a, 0).toBuilder().setLoadReport(report).build()));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/plan").then().statusCode(200).body(
                    "nodes.find { it.node_id == '" + node + "' }.runners[0].basis", equalTo("measured")));
            assertEquals(1, measuredRows(modelId));
        }
    }

    @Test
    void aFailedLoadIsNotRetriedOnThatNodeForAWhile() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "failing-" + suffix;
        LocalModel m = FakeWorker.model("fragile-" + suffix, 2 * GIB, 16);
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            w.heartbeat(beat(11 * GIB, loaded(assigned(w), 0).toBuilder().setState(LoadState.LOAD_STATE_FAILED)
                    .setError("out of memory").build()));
            await().atMost(WAIT).until(() -> w.latestAssignments().getAssignments().getAssignmentsCount() == 0);
            given().get("/api/models").then().body("find { it.model_id == '" + m.getModelId() + "' }.notes",
                    hasItem(node + ": a load failed there recently"));
        }
    }

    @Test
    void jobsWaitingInKafkaBecomeDemand() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String modelId = "wanted-" + suffix;
        try (FakeWorker w = planner.worker();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        SharedInfrastructure.get().kafkaBootstrapServers()), new StringSerializer(),
                        new ByteArraySerializer())) {
            w.send(planner.hello("demand-" + suffix, 11 * GIB, FakeWorker.model(modelId, 2 * GIB, 16)));
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(Topics.jobs(modelId), "job-" + i, new byte[] {1}));
            }
            producer.flush();
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/models").then()
                    .body("find { it.model_id == '" + modelId + "' }.backlog_jobs", equalTo(30))
                    .body("find { it.model_id == '" + modelId + "' }.demand_tps", greaterThan(0f))
                    .body("find { it.model_id == '" + modelId + "' }.required_replicas", equalTo(1)));
        }
    }

    private static Assignment assigned(FakeWorker w) {
        var latest = w.latestAssignments();
        if (latest == null || latest.getAssignments().getAssignmentsCount() == 0) {
            return null;
        }
        return latest.getAssignments().getAssignments(0);
    }

    private static Heartbeat beat(long freeVram, LoadedModel loaded) {
        return Heartbeat.newBuilder().addGpus(FakeWorker.gpu("NVIDIA GeForce RTX 3060", 12 * GIB, Math.max(0,
                freeVram))).setRamFreeBytes(20 * GIB).addLoaded(loaded).build();
    }

    private static LoadedModel loaded(Assignment a, int busy) {
        return LoadedModel.newBuilder().setModelId(a.getModelId()).setState(LoadState.LOAD_STATE_READY)
                .setSlotsTotal(a.getParallelSlots()).setSlotsBusy(busy).setNGpuLayers(a.getNGpuLayers())
                .setNCtx(a.getNCtx()).build();
    }

    private static DeviceBuffer buffer(String device, BufferKind kind, long bytes) {
        return DeviceBuffer.newBuilder().setDevice(device).setKind(kind).setBytes(bytes).build();
    }

    private static int measuredRows(String modelId) throws Exception {
        var infra = SharedInfrastructure.get();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                infra.databasePassword()); PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM planner.measured_buffers WHERE model_id = ?")) {
            s.setString(1, modelId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
