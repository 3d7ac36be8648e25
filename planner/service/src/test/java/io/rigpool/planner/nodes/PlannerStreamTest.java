package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.infra.SharedInfrastructure;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.ModelCatalogEntry;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class PlannerStreamTest {

    @Inject
    PlannerUnderTest planner;

    @Test
    void workerWithAWrongTokenIsRefused() throws Exception {
        try (FakeWorker worker = planner.worker()) {
            worker.send(FakeWorker.hello("intruder-" + UUID.randomUUID(), "not-the-token", 8 * GIB));
            await().atMost(WAIT).until(() -> worker.error != null);
            assertEquals(Status.Code.PERMISSION_DENIED, Status.fromThrowable(worker.error).getCode());
            assertTrue(worker.received.stream().anyMatch(m -> m.hasRefusal()
                    && m.getRefusal().getReason().contains("cluster token")));
        }
    }

    @Test
    void modelsArePlacedWithTheLayersThatFitAndMoveWhenTheirNodeIsLost() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String small = "small-" + suffix;
        String big = "big-" + suffix;
        String nodeA = "node-a-" + suffix;
        String nodeB = "node-b-" + suffix;
        try (FakeWorker b = planner.worker()) {
            try (FakeWorker a = planner.worker()) {
                // 20 GiB free: the 4 GiB model fits whole, the 20 GiB model (32 layers + output) only in part.
                var helloA = planner.hello(nodeA, 20 * GIB, 64 * GIB, FakeWorker.model(small, 4 * GIB, 16),
                        FakeWorker.model(big, 20 * GIB, 32));
                a.send(helloA);
                // A live worker beats; without it a slow machine could lose the node before the assertions.
                a.keepBeating(Heartbeat.newBuilder().addAllGpus(helloA.getGpusList())
                        .setRamFreeBytes(helloA.getRamFreeBytes()).build(), Duration.ofSeconds(1));
                await().atMost(WAIT).until(() -> a.latestAssignments() != null);
                Map<String, Assignment> assigned = byModel(a.latestAssignments().getAssignments().getAssignmentsList());
                assertEquals(17, assigned.get(small).getNGpuLayers(), "all 16 layers + output fit");
                int bigLayers = assigned.get(big).getNGpuLayers();
                assertTrue(bigLayers > 0 && bigLayers < 33, "only a share of the big model fits: " + bigLayers);
                assertTrue(assigned.get(big).getReason().contains("MiB"), assigned.get(big).getReason());

                given().get("/api/nodes").then().statusCode(200)
                        .body("find { it.node_id == '" + nodeA + "' }.state", equalTo("ready"))
                        .body("find { it.node_id == '" + nodeA + "' }.gpus[0].free_bytes", equalTo(20 * GIB))
                        .body("find { it.node_id == '" + nodeA + "' }.assignments.model_id", hasItem(small));
                assertEquals("ready", nodeStateInDatabase(nodeA));
                awaitCatalogue(small, true);

                // A second holder of the small model joins: nothing already placed moves.
                var helloB = planner.hello(nodeB, 0, FakeWorker.model(small, 4 * GIB, 16));
                b.send(helloB);
                b.keepBeating(Heartbeat.newBuilder().setRamFreeBytes(helloB.getRamFreeBytes()).build(),
                        Duration.ofSeconds(1));
                await().atMost(WAIT).until(() -> b.latestAssignments() != null);
                assertTrue(b.latestAssignments().getAssignments().getAssignmentsList().isEmpty());
                assertEquals(1, a.assignmentSetsReceived());
            }
            // Node A's connection dropped; once it has been silent long enough, its models are placed elsewhere.
            await().atMost(WAIT).until(() -> b.latestAssignments().getAssignments().getAssignmentsCount() == 1);
            Assignment moved = b.latestAssignments().getAssignments().getAssignments(0);
            assertEquals(small, moved.getModelId());
            assertEquals(0, moved.getNGpuLayers(), "node B has no GPU");
            assertEquals("lost", nodeStateInDatabase(nodeA));
            awaitCatalogue(big, false);
        }
    }

    private static Map<String, Assignment> byModel(List<Assignment> list) {
        Map<String, Assignment> map = new HashMap<>();
        list.forEach(a -> map.put(a.getModelId(), a));
        return map;
    }

    private static String nodeStateInDatabase(String nodeId) throws Exception {
        var infra = SharedInfrastructure.get();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                infra.databasePassword()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT state FROM planner.nodes WHERE node_id = '" + nodeId + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Reads rigpool.models from the start until the model's latest entry is present (or removed). */
    private static void awaitCatalogue(String modelId, boolean present) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", SharedInfrastructure.get().kafkaBootstrapServers(),
                "group.id", "catalogue-test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.MODELS));
            Map<String, byte[]> latest = new HashMap<>();
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), r.value());
                }
                return present ? latest.get(modelId) != null : latest.containsKey(modelId) && latest.get(modelId) == null;
            });
            if (present) {
                try {
                    ModelCatalogEntry entry = ModelCatalogEntry.parseFrom(latest.get(modelId));
                    assertNotNull(entry.getArchitecture());
                    assertTrue(entry.getNodesHolding() >= 1);
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
