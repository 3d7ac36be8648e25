package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.ShapeGeometries;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.LocalModel;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 over the real gRPC stream: a model goes only to a node with an engine that loads its architecture, and
 * a mixture-of-experts model on llama-server is assigned with its layers, the experts kept in RAM and the engine.
 */
@RigpoolQuarkusTest
class EngineAssignmentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The part of the 2026-09 snapshot's list these tests need. */
    private static final List<String> SNAPSHOT = List.of("llama", "qwen2", "qwen3", "qwen3moe", "gpt-oss", "gemma3");

    @Inject
    PlannerUnderTest planner;

    @Test
    void gptOssOnAnEightGigabyteCardRunsOnLlamaServerWithSomeExpertsInRam() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "moe-" + suffix;
        LocalModel gptOss = model("gpt-oss-" + suffix, RealModelShapes.byName("gpt-oss-20b-MXFP4"));
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 8 * GIB, 40 * GIB, gptOss).addAllEngines(engines()));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            Assignment a = assigned(w);
            assertEquals("llama-server", a.getEngine(), a.getReason());
            assertEquals(25, a.getNGpuLayers(), a.getReason());
            assertTrue(a.getNCpuMoe() > 0 && a.getNCpuMoe() < 24, a.getReason());
            assertTrue(a.getReason().contains("the experts of " + a.getNCpuMoe() + " of them in RAM"), a.getReason());
            String runner = "nodes.find { it.node_id == '" + node + "' }.runners[0]";
            given().get("/api/plan").then().body(runner + ".engine", equalTo("llama-server"))
                    .body(runner + ".n_cpu_moe", equalTo(a.getNCpuMoe()));
        }
    }

    @Test
    void aWorkerWithoutEnginesIsB4916OnlyAndGetsNoModelOfANewArchitecture() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "old-" + suffix;
        String modelId = "qwen3moe-" + suffix;
        LocalModel qwen = model(modelId, RealModelShapes.byName("Qwen3-30B-A3B-Q4_K_M"));
        LocalModel llama = model("llama-" + suffix, RealModelShapes.byName("Llama-3.2-1B-Instruct-Q8_0"));
        try (FakeWorker w = planner.worker()) {
            w.send(planner.hello(node, 11 * GIB, 40 * GIB, qwen, llama));
            await().atMost(WAIT).until(() -> assigned(w) != null);
            var assignments = w.latestAssignments().getAssignments().getAssignmentsList();
            assertTrue(assignments.stream().noneMatch(x -> x.getModelId().equals(modelId)), assignments.toString());
            assertEquals("", assignments.get(0).getEngine(), "java-llama, named as an older worker expects");
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/plan").then().body(
                    "models.find { it.model_id == '" + modelId + "' }.notes",
                    hasItem(node + ": needs qwen3moe: node " + node + "'s engines are b4916 only")));
        }
    }

    private static List<Engine> engines() {
        return List.of(Engine.newBuilder().setKind("java-llama").setLlamaCppBuild("b4916").addBackends("cpu")
                .addBackends("cuda").setSource("bundled").build(),
                Engine.newBuilder().setKind("llama-server").setLlamaCppBuild("2026-09-28 (de3ff81)")
                        .addBackends("cpu").addBackends("cuda").addAllArchitectures(SNAPSHOT)
                        .setSource("/opt/llama/llama-server").build());
    }

    private static LocalModel model(String id, RealModelShape shape) {
        return LocalModel.newBuilder().setModelId(id).setFileName(id + ".gguf").setSizeBytes(shape.fileSize())
                .setArchitecture(shape.architecture()).setBlockCount(shape.blockCount()).setContextLength(
                        shape.hyperparameters().contextLength())
                .setGeometry(GeometryMapping.toProto(ShapeGeometries.of(shape))).build();
    }

    private static Assignment assigned(FakeWorker w) {
        var latest = w.latestAssignments();
        if (latest == null || latest.getAssignments().getAssignmentsCount() == 0) {
            return null;
        }
        return latest.getAssignments().getAssignments(0);
    }
}
