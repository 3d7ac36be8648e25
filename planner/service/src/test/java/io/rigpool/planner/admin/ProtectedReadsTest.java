package io.rigpool.planner.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** {@code rigpool.planner.protect-reads=true}: the API's reads need the admin key too, as its changes do. */
@RigpoolQuarkusTest
@TestProfile(ProtectedReadsTest.WithProtectedReads.class)
class ProtectedReadsTest {

    public static class WithProtectedReads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rigpool.planner.protect-reads", "true");
        }
    }

    @ConfigProperty(name = "rigpool.planner.admin-key")
    String adminKey;

    @Test
    void readsWithoutTheKeyOrWithAWrongOneAreRefused() {
        for (String path : new String[] {"/api/nodes", "/api/plan", "/api/models"}) {
            given().get(path).then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body("error.code", equalTo("unauthorized"))
                    .body("error.field", equalTo("Authorization"));
            given().header("Authorization", "Bearer not-the-key").get(path).then().statusCode(401);
        }
    }

    @Test
    void theKeyOrThePagesSessionReads() {
        given().header("Authorization", "Bearer " + adminKey).get("/api/nodes").then().statusCode(200);
        String session = given().redirects().follow(false).formParam("key", adminKey).post("/admin/login")
                .then().statusCode(303).extract().cookie(AdminAccess.COOKIE);
        given().cookie(AdminAccess.COOKIE, session).get("/api/nodes").then().statusCode(200);
        // Reading with the session needs no X-Requested-By; changing does.
        given().cookie(AdminAccess.COOKIE, session).post("/api/nodes/no-such-node/drain").then().statusCode(403)
                .body("error.field", equalTo(AdminAccess.REQUEST_HEADER));
    }
}
