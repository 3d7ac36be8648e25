package io.rigpool.planner.admin;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.planner.testing.PlannerUnderTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The cluster token and the admin key pass through the planner (accepted and refused) without reaching its log. */
@RigpoolQuarkusTest
class SecretsNotLoggedTest {

    @Inject
    PlannerUnderTest planner;

    @ConfigProperty(name = "quarkus.log.file.path")
    Path log;

    @Test
    void tokensAndKeysAcceptedOrRefusedAreNotInTheLog() throws Exception {
        String wrongToken = "wrong-token-" + UUID.randomUUID();
        String wrongKey = "wrong-key-" + UUID.randomUUID();
        String node = "secrets-node-" + UUID.randomUUID().toString().substring(0, 8);
        try (FakeWorker intruder = planner.worker();
                FakeWorker member = planner.worker()) {
            intruder.send(FakeWorker.hello("intruder-" + node, wrongToken, 8 * GIB));
            member.send(planner.hello(node, 8 * GIB));
            await().atMost(Duration.ofSeconds(30)).until(() -> intruder.error != null
                    && member.latestAssignments() != null);
        }
        given().header("Authorization", "Bearer " + planner.adminKey()).post("/api/nodes/" + node + "/drain")
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
        given().header("Authorization", "Bearer " + wrongKey).post("/api/nodes/" + node + "/drain")
                .then().statusCode(401);
        given().formParam("key", wrongKey).post("/admin/login").then().statusCode(401);
        given().redirects().follow(false).formParam("key", planner.adminKey()).post("/admin/login")
                .then().statusCode(org.hamcrest.Matchers.lessThan(400));

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.contains(node), "the log of this run is being read: " + log);
        for (String secret : List.of(planner.token(), planner.adminKey(), wrongToken, wrongKey)) {
            assertFalse(logged.contains(secret), "a secret is in the log: " + secret.substring(0, 6) + "...");
        }
    }
}
