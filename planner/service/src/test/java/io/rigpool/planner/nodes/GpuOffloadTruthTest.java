package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.infra.SharedInfrastructure;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * GPU layers only where a GPU backend was proven and where they really went, over real gRPC: a node whose probe
 * proved no backend gets none, whatever its VRAM; a load that offloaded fewer layers than asked caps that pair at
 * what it offloaded; the node's speed is fitted to its runners' measured decode speeds.
 */
@RigpoolQuarkusTest
class GpuOffloadTruthTest {

    @Inject
    PlannerUnderTest planner;

    @Test
    void aNodeWhoseBackendIsNotProvenGetsNoGpuLayersAndSaysWhy() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "cpu-only-" + suffix;
        String why = "libjllama.so in natives/cuda-13 has no CUDA backend";
        try (FakeWorker w = planner.worker()) {
            // 11 GiB free on an RTX 3060, and the old flag still set: only the probe counts.
            w.send(planner.hello(node, 11 * GIB, FakeWorker.model("plenty-" + suffix, 2 * GIB, 16))
                    .setGpuOffloadSupported(true).setBackend(FakeWorker.cpuOnly("natives/cuda-13", why)));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            Assignment a = assigned(w);
            assertEquals(0, a.getNGpuLayers(), a.getReason());
            assertTrue(a.getReason().contains("node " + node + " runs on the CPU only: " + why), a.getReason());
            String path = "find { it.node_id == '" + node + "' }";
            given().get("/api/nodes").then()
                    .body(path + ".gpu_offload_supported", equalTo(false))
                    .body(path + ".backend.gpu_proven", equalTo(false))
                    .body(path + ".backend.library", equalTo("natives/cuda-13"))
                    .body(path + ".backend.cpu_only_reason", equalTo(why));
            given().get("/api/plan").then().body("nodes.find { it.node_id == '" + node + "' }.vram_budget_bytes",
                    equalTo(0));
        }
    }

    @Test
    void aWorkerThatSendsNoBackendRunsOnTheCpuOnly() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "old-worker-" + suffix;
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, FakeWorker.model("old-" + suffix, 2 * GIB, 16))
                    .setGpuOffloadSupported(true).clearBackend());
            await().atMost(WAIT).until(() -> assigned(w) != null);
            Assignment a = assigned(w);
            assertEquals(0, a.getNGpuLayers(), a.getReason());
            assertTrue(a.getReason().contains("runs on the CPU only: its worker proved no GPU backend"),
                    a.getReason());
        }
    }

    @Test
    void aProvenNodeGetsItsCardAndShowsItsBackend() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "proven-" + suffix;
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, FakeWorker.model("fits-" + suffix, 2 * GIB, 16)));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            assertEquals(17, assigned(w).getNGpuLayers(), assigned(w).getReason());
            String path = "find { it.node_id == '" + node + "' }.backend";
            given().get("/api/nodes").then()
                    .body(path + ".kind", equalTo("cuda"))
                    .body(path + ".cuda_runtime", equalTo("13.0"))
                    .body(path + ".driver_cuda", equalTo("13.0"))
                    .body(path + ".devices[0].compute_capability", equalTo("8.6"))
                    .body(path + ".probe_layers_offloaded", equalTo(3))
                    .body(path + ".cpu_only_reason", equalTo(null));
        }
    }

    @Test
    void aShortOffloadIsFedBackAndThePairReplannedBelowIt() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "short-" + suffix;
        LocalModel m = FakeWorker.model("short-model-" + suffix, 2 * GIB, 16);
        String credential;
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            credential = w.welcomeCredential();
            Assignment asked = assigned(w);
            assertEquals(17, asked.getNGpuLayers());
            long ramBefore = planned(node, "cpu_bytes").longValue();

            // llama.cpp put only 6 of the 17 layers on the card (a library that ran out of room, say).
            w.runnerEvent(RunnerEvent.newBuilder().setModelId(m.getModelId()).setLoaded(RunnerLoadReport.newBuilder()
                    .setNGpuLayersRequested(17).setLayersOffloaded(6).setLayersTotal(17).setGpuBackendPresent(true)
                    .setNCtx(asked.getNCtx()).setParallelSlots(asked.getParallelSlots())).build());
            await().atMost(WAIT).until(() -> assigned(w) != null && assigned(w).getNGpuLayers() <= 6);
            Assignment capped = assigned(w);
            assertEquals(6, capped.getNGpuLayers(), capped.getReason());
            assertTrue(capped.getReason().contains("at most 6 GPU layers here: its load offloaded only 6 of the 17"
                    + " layers asked for"), capped.getReason());
            assertTrue(planned(node, "cpu_bytes").longValue() > ramBefore + GIB / 2,
                    "the RAM of the 11 layers left on the CPU counts");
            given().get("/api/nodes").then()
                    .body("find { it.node_id == '" + node + "' }.layer_caps[0].layers", equalTo(6))
                    .body("find { it.node_id == '" + node + "' }.layer_caps[0].why", containsString("only 6 of"));
            assertEquals(6, storedCap(node, m.getModelId()), "kept for a restarted planner");
        }
        // The worker comes back with the same library: the cap holds.
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m).setNodeCredential(credential));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            assertEquals(6, assigned(w).getNGpuLayers(), assigned(w).getReason());
        }
        // With another llama.cpp build it may offload what the old one could not: the cap goes (the runner that
        // runs stays until its dwell time allows a change for a gain, as any runner does).
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, m).setNodeCredential(credential).setBackend(FakeWorker.provenCuda(
                    "NVIDIA GeForce RTX 3060", "8.6", 12 * GIB).toBuilder().setLlamaCppBuild("5000 (0123abcd)")));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/nodes").then()
                    .body("find { it.node_id == '" + node + "' }.backend.llama_cpp_build", equalTo("5000 (0123abcd)"))
                    .body("find { it.node_id == '" + node + "' }.layer_caps.size()", equalTo(0)));
            assertEquals(-1, storedCap(node, m.getModelId()));
            assertTrue(!assigned(w).getReason().contains("at most"), assigned(w).getReason());
        }
    }

    private static int storedCap(String node, String modelId) throws Exception {
        var infra = SharedInfrastructure.get();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                infra.databasePassword()); PreparedStatement s = c.prepareStatement(
                        "SELECT layers FROM planner.layer_caps WHERE node_id = ? AND model_id = ?")) {
            s.setString(1, node);
            s.setString(2, modelId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    @Test
    void afterTheDemoModelsFirstJobsItsPredictionIsWithin15PercentOfMeasured() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "demo-" + suffix;
        String modelId = "rigpool-tiny-" + suffix;
        LocalModel demo = demoModel(modelId);
        try (FakeWorker w = planner.worker()) {
            // The local stack's workers: no GPU, the demo model on the CPU.
            w.send(planner.hello(node, 0, demo).setCpuBandwidthGbps(40));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            Assignment a = assigned(w);
            w.heartbeat(beat(loaded(a, 0)));
            await().atMost(WAIT).until(() -> loadedField(node, "datasheet_tps") != null);
            double datasheet = loadedField(node, "datasheet_tps").doubleValue();
            assertTrue(datasheet > 500, "the datasheet alone predicts the demo model far too fast: " + datasheet);

            w.heartbeat(beat(loaded(a, 104.0)));
            w.heartbeat(beat(loaded(a, 101.5)));
            await().atMost(WAIT).untilAsserted(() -> assertEquals(101.5, loadedField(node, "decode_tps")
                    .doubleValue()));
            double predicted = loadedField(node, "predicted_tps").doubleValue();
            assertEquals(101.5, predicted, 101.5 * 0.15, "predicted beside measured");
            given().get("/api/nodes").then().body("find { it.node_id == '" + node + "' }.speed.observations",
                    equalTo(1));
            // The plan ranks with the fitted speed too: with every slot busy, no faster than its slots allow.
            await().atMost(WAIT).untilAsserted(() -> {
                double capacity = planned(node, "capacity_tps").doubleValue();
                int slots = planned(node, "parallel_slots").intValue();
                assertTrue(capacity <= 1.15 * 101.5 * slots, "planned " + capacity + " tok/s with " + slots
                        + " slot(s)");
            });
        }
    }

    private static LocalModel demoModel(String modelId) throws Exception {
        Path dir = Files.createTempDirectory("rigpool-demo");
        Path file = TinyChatModel.write(dir.resolve(modelId + ".gguf"), TinyChatModel.Spec.standard());
        try {
            ModelGeometry geometry = ModelGeometry.of(GgufModel.open(file));
            return LocalModel.newBuilder().setModelId(modelId).setFileName(modelId + ".gguf")
                    .setSizeBytes(Files.size(file)).setArchitecture("llama").setBlockCount(geometry.layers())
                    .setContextLength(4096).setGeometry(GeometryMapping.toProto(geometry)).build();
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static Assignment assigned(FakeWorker w) {
        var latest = w.latestAssignments();
        if (latest == null || latest.getAssignments().getAssignmentsCount() == 0) {
            return null;
        }
        return latest.getAssignments().getAssignments(0);
    }

    /** A field of the node's first planned runner in {@code /api/plan}. */
    private static Number planned(String node, String field) {
        return given().get("/api/plan").then().extract().jsonPath().get("nodes.find { it.node_id == '" + node
                + "' }.runners[0]." + field);
    }

    /** A field of the node's first loaded runner in {@code /api/nodes}, null while there is none. */
    private static Number loadedField(String node, String field) {
        return given().get("/api/nodes").then().extract().jsonPath().get("find { it.node_id == '" + node
                + "' }.loaded[0]." + field);
    }

    private static Heartbeat beat(LoadedModel loaded) {
        return Heartbeat.newBuilder().setRamFreeBytes(20 * GIB).addLoaded(loaded).build();
    }

    private static LoadedModel loaded(Assignment a, double decodeTps) {
        return LoadedModel.newBuilder().setModelId(a.getModelId()).setState(LoadState.LOAD_STATE_READY)
                .setSlotsTotal(a.getParallelSlots()).setNGpuLayers(a.getNGpuLayers()).setNCtx(a.getNCtx())
                .setDecodeTps(decodeTps).build();
    }
}
