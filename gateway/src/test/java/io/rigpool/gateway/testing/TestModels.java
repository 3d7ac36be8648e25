package io.rigpool.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.List;

/** Plays the planner: puts a model in the catalogue topic and waits until the gateway lists it. */
public final class TestModels {

    private TestModels() {
    }

    public static void serve(String modelId) {
        serve(modelId, List.of());
    }

    /** @param engines the engines the planner says the model's replicas run on */
    public static void serve(String modelId, List<String> engines) {
        ModelCatalogEntry entry = ModelCatalogEntry.newBuilder()
                .setModelId(modelId)
                .setArchitecture("llama")
                .setContextLength(2048)
                .setReplicasReady(1)
                .addAllEngines(engines)
                .setUpdatedAtMs(System.currentTimeMillis())
                .build();
        TestKafka.send(Topics.MODELS, modelId, entry.toByteArray());
        await("gateway lists " + modelId).atMost(TestKafka.DEADLINE).until(() -> listed().contains(modelId));
    }

    /** Serves the model and creates its jobs topic, for a test that reads what was (or was not) published on it. */
    public static void serveWithJobsTopic(String modelId) {
        serve(modelId);
        TestKafka.createTopic(Topics.jobs(modelId));
    }

    public static void withdraw(String modelId) {
        TestKafka.send(Topics.MODELS, modelId, null);
    }

    public static List<String> listed() {
        return TestApi.user().get("/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id");
    }
}
