package io.rigpool.planner.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wrong admin keys from one address, on the login form and as a bearer header: 429 with Retry-After. */
@RigpoolQuarkusTest
@TestProfile(AdminLoginThrottleTest.Throttled.class)
class AdminLoginThrottleTest {

    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rigpool.planner.admin-login.free-attempts", "2",
                    "rigpool.planner.admin-login.first-lockout", "1m");
        }
    }

    @Test
    void anAddressThatSentTooManyWrongKeysMustWaitEvenWithTheRightOne() {
        for (int i = 0; i < 2; i++) {
            given().formParam("key", "guess-" + i).post("/admin/login").then().statusCode(401);
        }
        given().header("Authorization", "Bearer guess-2").post("/api/nodes/pc-1/drain").then().statusCode(401);
        // Three wrong keys: this address now waits a minute, whatever it sends.
        given().formParam("key", "test-admin-key").redirects().follow(false).post("/admin/login").then()
                .statusCode(429).header("Retry-After", Integer::parseInt, allOf(greaterThan(30), lessThanOrEqualTo(60)));
        given().header("Authorization", "Bearer test-admin-key").post("/api/nodes/pc-1/drain").then()
                .statusCode(429).header("Retry-After", Integer::parseInt, allOf(greaterThan(30), lessThanOrEqualTo(60)))
                .body("error.code", equalTo("too_many_wrong_keys"));
        // Reads that need no key are not slowed down.
        given().get("/api/nodes").then().statusCode(200);
    }
}
