package io.rigpool.planner.console;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.console.Heartbeats.GIB;
import static io.rigpool.planner.console.Heartbeats.MIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.LoadedModel;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin page and its data over plain HTTP: who gets in, and what the page's data says about a card. */
@RigpoolQuarkusTest
class AdminPageAccessTest {

    @Inject
    PlannerUnderTest planner;

    @Test
    void withoutTheAdminKeyThePageItsDataAndActionsAreRefused() {
        for (String page : List.of("/admin/", "/admin")) {
            given().redirects().follow(false).get(page).then().statusCode(303)
                    .header("Location", endsWith("/admin/login"));
        }
        for (String data : List.of("/admin/api/fleet", "/admin/api/history", "/admin/api/choices",
                "/admin/api/estimate?model=Llama-3.2-1B-Instruct-Q8_0&vram=8GiB")) {
            given().get(data).then().statusCode(401).body("error.field", equalTo("Authorization"));
            given().cookie("rigpool_admin", "made-up-session").get(data).then().statusCode(401);
        }
        given().get("/admin/assets/app.js").then().statusCode(401);
        given().post("/api/nodes/any/drain").then().statusCode(401);
        given().get("/admin/login").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("name=\"key\""));
        given().formParam("key", "not-the-key").post("/admin/login").then().statusCode(401)
                .header("Set-Cookie", org.hamcrest.Matchers.nullValue())
                .body(containsString("not the admin key"));
    }

    @Test
    void theLoginGivesAStrictHttpOnlySessionForThePageItsDataAndActions() {
        Response login = given().redirects().follow(false).formParam("key", planner.adminKey()).post("/admin/login");
        assertEquals(303, login.statusCode());
        assertEquals("/admin/", java.net.URI.create(login.header("Location")).getPath());
        String setCookie = login.header("Set-Cookie");
        assertNotNull(setCookie);
        org.hamcrest.MatcherAssert.assertThat(setCookie, allOf(startsWith("rigpool_admin="),
                containsString("HttpOnly"), containsString("SameSite=Strict"), containsString("Path=/"),
                not(containsString("Secure"))));
        String session = login.cookie("rigpool_admin");

        given().cookie("rigpool_admin", session).get("/admin/").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("/admin/assets/app.js"))
                .header("Content-Security-Policy", containsString("script-src 'self'"));
        given().cookie("rigpool_admin", session).get("/admin/assets/app.js").then().statusCode(200)
                .contentType(containsString("javascript"));
        given().cookie("rigpool_admin", session).get("/admin/assets/../application.properties").then()
                .statusCode(not(equalTo(200)));
        given().cookie("rigpool_admin", session).get("/admin/api/fleet").then().statusCode(200)
                .header("Cache-Control", "no-store");
        given().cookie("rigpool_admin", session).get("/admin/api/choices").then().statusCode(200)
                .body("cards.name", hasItem("GeForce RTX 4060"))
                .body("shapes", hasItem("Llama-3.2-1B-Instruct-Q8_0"));
        given().cookie("rigpool_admin", session).get("/admin/api/history?limit=0").then().statusCode(400)
                .body("error.field", equalTo("limit"));
        given().header("Authorization", "Bearer " + planner.adminKey()).get("/admin/api/fleet").then().statusCode(200);

        // A change with the cookie alone could come from another site's form: it needs the page's header too.
        given().cookie("rigpool_admin", session).post("/api/nodes/no-such-node/drain").then().statusCode(403)
                .body("error.field", equalTo("X-Requested-By"));
        given().cookie("rigpool_admin", session).header("X-Requested-By", "rigpool-admin")
                .post("/api/nodes/no-such-node/drain").then().statusCode(404).body("error.field", equalTo("node"));

        given().redirects().follow(false).cookie("rigpool_admin", session).post("/admin/logout").then()
                .statusCode(303).header("Set-Cookie", containsString("Max-Age=0"));
        given().cookie("rigpool_admin", session).get("/admin/api/fleet").then().statusCode(401);
    }

    @Test
    void thePagesDataSplitsEachCardByUseAndListsTheReplans() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "data-" + suffix;
        String model = "data-model-" + suffix;
        LoadedModel runner = Heartbeats.measuredRunner(model, 1500 * MIB, 256 * MIB, 300 * MIB);
        try (FakeWorker worker = planner.worker()) {
            worker.send(planner.hello(node, 11 * GIB, FakeWorker.model(model, 2 * GIB, 16)));
            worker.keepBeating(Heartbeats.beat("NVIDIA GeForce RTX 3060", 12 * GIB, GIB, List.of(runner)),
                    Duration.ofSeconds(1));
            String at = "nodes.find { it.node_id == '" + node + "' }";
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                JsonPath fleet = given().header("Authorization", "Bearer " + planner.adminKey()).get("/admin/api/fleet")
                        .then().statusCode(200).extract().jsonPath();
                assertEquals(GIB, fleet.getLong(at + ".gpus[0].other_bytes"), "the owner's game");
                assertEquals(Heartbeats.held(runner), fleet.getLong(at + ".gpus[0].our_bytes"));
                assertEquals(true, fleet.getBoolean(at + ".gpus[0].planned"));
                assertEquals(List.of("weights", "kv_cache", "compute", "cuda_context", "other_processes", "reserve",
                        "free"), fleet.getList(at + ".gpus[0].segments.kind"));
                assertEquals(1500 * MIB, fleet.getLong(at + ".gpus[0].segments[0].bytes"));
                assertEquals(512 * MIB, fleet.getLong(at + ".gpus[0].segments[5].bytes"), "the default reserve");
                assertEquals(256 * MIB, fleet.getLong(at + ".gpus[0].runners[0].measured.kv_cache_bytes"));
                assertEquals("approximate", fleet.getString(at + ".gpus[0].runners[0].estimated.basis"));
                assertEquals("ready", fleet.getString(at + ".status"));
                assertEquals(17, fleet.getInt(at + ".loaded[0].layers_total"));
            });
            // The API the gateway and tools read keeps its fields.
            given().get("/api/nodes").then().statusCode(200)
                    .body("find { it.node_id == '" + node + "' }.state", equalTo("ready"))
                    .body("find { it.node_id == '" + node + "' }.gpus[0].free_bytes.toLong()",
                            equalTo(12 * GIB - GIB - Heartbeats.held(runner)));
            given().header("Authorization", "Bearer " + planner.adminKey()).get("/admin/api/history?limit=50").then()
                    .statusCode(200).body("trigger", hasItem("node " + node + " connected"))
                    .body("find { it.trigger == 'node " + node + " connected' }.added",
                            hasItem(containsString(model + " on " + node + ": 17 GPU layers")));
        }
    }
}
