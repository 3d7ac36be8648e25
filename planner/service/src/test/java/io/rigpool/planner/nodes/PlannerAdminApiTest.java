package io.rigpool.planner.nodes;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.AssignmentSet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin API over HTTP against a running planner with workers on real gRPC streams. */
@RigpoolQuarkusTest
class PlannerAdminApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "Bearer test-admin-key";

    @Inject
    PlannerUnderTest planner;

    @Test
    void changesNeedTheAdminKeyReadsDoNot() {
        given().post("/api/nodes/any/drain").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("error.field", equalTo("Authorization"));
        given().header("Authorization", "Bearer wrong").post("/api/nodes/any/drain").then().statusCode(401);
        given().header("Authorization", KEY).post("/api/nodes/no-such-node/drain").then().statusCode(404)
                .body("error.field", equalTo("node")).body("error.message", containsString("no-such-node"));
        given().get("/api/plan").then().statusCode(200);
        given().get("/api/models").then().statusCode(200);
    }

    @Test
    void drainEmptiesANodeAndUndrainGivesItBack() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "drain-" + suffix;
        String model = "drainable-" + suffix;
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 10 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            await().atMost(WAIT).until(() -> worker.latestAssignments() != null
                    && worker.latestAssignments().getAssignments().getAssignmentsCount() == 1);

            given().header("Authorization", KEY).post("/api/nodes/" + node + "/drain").then().statusCode(200)
                    .body("drained", equalTo(true));
            await().atMost(WAIT).until(() -> {
                AssignmentSet set = worker.latestAssignments().getAssignments();
                return set.getDrain() && set.getAssignmentsCount() == 0;
            });
            given().get("/api/plan").then().body("nodes.find { it.node_id == '" + node + "' }.unavailable",
                    equalTo("drained by an admin"));

            given().header("Authorization", KEY).delete("/api/nodes/" + node + "/drain").then().statusCode(200);
            await().atMost(WAIT).until(() -> {
                AssignmentSet set = worker.latestAssignments().getAssignments();
                return !set.getDrain() && set.getAssignmentsCount() == 1;
            });
        }
    }

    @Test
    void reservePinAndMinimumReplicasAreCheckedAppliedAndShown() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String a = "rules-a-" + suffix;
        String b = "rules-b-" + suffix;
        String model = "ruled-" + suffix;
        try (FakeWorker wa = planner.worker(); FakeWorker wb = planner.worker()) {
            wa.send(planner.hello(a, 10 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            wb.send(planner.hello(b, 10 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            await().atMost(WAIT).until(() -> wa.latestAssignments() != null && wb.latestAssignments() != null);

            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"reserve\": \"lots\"}")
                    .put("/api/nodes/" + a + "/reserve").then().statusCode(400).body("error.field", equalTo("reserve"));
            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"reserve_bytes\": -5}")
                    .put("/api/nodes/" + a + "/reserve").then().statusCode(400)
                    .body("error.field", equalTo("reserve_bytes"));
            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"reserve\": \"3GiB\"}")
                    .put("/api/nodes/" + a + "/reserve").then().statusCode(200)
                    .body("reserve_bytes", equalTo(3 * GIB));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/plan").then()
                    .body("nodes.find { it.node_id == '" + a + "' }.reserve_bytes", equalTo(3 * GIB))
                    .body("nodes.find { it.node_id == '" + a + "' }.vram_budget_bytes",
                            lessThan(10 * GIB - 3 * GIB + 1)));

            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"min_replicas\": -1}")
                    .put("/api/models/" + model + "/min-replicas").then().statusCode(400)
                    .body("error.field", equalTo("min_replicas"));
            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"min_replicas\": 2}")
                    .put("/api/models/no-such-model/min-replicas").then().statusCode(404)
                    .body("error.field", equalTo("model"));
            given().header("Authorization", KEY).contentType(ContentType.JSON).body("{\"min_replicas\": 2}")
                    .put("/api/models/" + model + "/min-replicas").then().statusCode(200);
            await().atMost(WAIT).until(() -> wa.latestAssignments().getAssignments().getAssignmentsCount() == 1
                    && wb.latestAssignments().getAssignments().getAssignmentsCount() == 1);
            given().get("/api/models").then().body("find { it.model_id == '" + model + "' }.replicas", equalTo(2))
                    .body("find { it.model_id == '" + model + "' }.min_replicas", equalTo(2));

            given().header("Authorization", KEY).put("/api/models/" + model + "/pins/" + b).then().statusCode(200);
            given().get("/api/models").then()
                    .body("find { it.model_id == '" + model + "' }.pinned_to", hasItem(b));
            given().header("Authorization", KEY).put("/api/models/" + model + "/pins/nowhere").then().statusCode(404)
                    .body("error.field", equalTo("node"));
        }
    }

    @Test
    void thePlanExplainsEveryRunnerInNumbers() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "explained-" + suffix;
        String model = "explained-model-" + suffix;
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 10 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            await().atMost(WAIT).until(() -> worker.latestAssignments() != null
                    && worker.latestAssignments().getAssignments().getAssignmentsCount() == 1);
            String reason = worker.latestAssignments().getAssignments().getAssignments(0).getReason();
            assertTrue(reason.matches("needs \\d+ MiB VRAM and \\d+ MiB RAM .*"), reason);
            assertTrue(reason.contains("VRAM free after reserve"), reason);
            assertTrue(reason.contains("approximate"), "no geometry from this worker: " + reason);
            given().get("/api/plan").then().statusCode(200)
                    .body("plan_version", greaterThan(0))
                    .body("nodes.find { it.node_id == '" + node + "' }.runners[0].reason", containsString("tok/s"))
                    .body("nodes.find { it.node_id == '" + node + "' }.runners[0].basis", equalTo("approximate"))
                    .body("nodes.find { it.node_id == '" + node + "' }.runners[0].code", matchesPattern("[A-Z_]+"))
                    .body("nodes.find { it.node_id == '" + node + "' }.runners[0].figures.gpu_bytes", notNullValue())
                    .body("nodes.find { it.node_id == '" + node + "' }.runners[0].figures.served_tps",
                            notNullValue());
        }
    }

    @Test
    void theWhatIfAnswersForCatalogueShapes() {
        // Gemma 2 27B at 4 bits needs about 19 GB for full acceleration: only a 24 GB card holds it.
        given().get("/api/estimate?model=gemma-2-27b-it-Q4_K_M&vram=8GiB&ctx=4096").then().statusCode(200)
                .body("full_offload_gb", startsWith("19."))
                .body("fits_fully", equalTo(false))
                .body("n_gpu_layers", greaterThan(0))
                .body("n_gpu_layers", lessThan(47))
                .body("speed_up", greaterThan(1.0f))
                .body("cards_holding_fully", hasItem("GeForce RTX 4090"))
                .body("cards_holding_fully", not(hasItem("GeForce RTX 4060")));
        given().queryParam("model", "Llama-3.2-1B-Instruct-Q8_0").queryParam("card", "RTX 4060")
                .get("/api/estimate").then().statusCode(200)
                .body("fits_fully", equalTo(true));
        given().get("/api/estimate?model=gemma-2-27b-it-Q4_K_M&vram=plenty").then().statusCode(400)
                .body("error.field", equalTo("vram"));
        given().get("/api/estimate?model=gemma-2-27b-it-Q4_K_M").then().statusCode(400)
                .body("error.field", equalTo("vram"));
        given().get("/api/estimate?model=gemma-2-27b-it-Q4_K_M&vram=8GiB&ctx=0").then().statusCode(400)
                .body("error.field", equalTo("ctx"));
        given().get("/api/estimate?model=no-such-model&vram=8GiB").then().statusCode(404)
                .body("error.field", equalTo("model"));
        assertEquals(200, given().get("/api/estimate?model=gemma-2-27b-it-q4_k_m&vram=24GiB").statusCode(),
                "model ids are lower case");
    }
}
