package io.rigpool.gateway.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** Requests as a given key: the configured admin key, a shared user key without practical limits, or new keys. */
public final class TestApi {

    /** {@code %test.rigpool.gateway.auth.bootstrap-admin-key}. */
    public static final String ADMIN_KEY = "rp-test-admin-key-0123456789abcdef";

    private static String userKey;

    private TestApi() {
    }

    public static RequestSpecification admin() {
        return as(ADMIN_KEY);
    }

    /** A user key shared by the tests, with limits no test reaches. */
    public static synchronized RequestSpecification user() {
        if (userKey == null) {
            userKey = newKey(Map.of("name", "shared test user", "role", "user", "rate_per_second", 100000,
                    "burst", 100000, "max_concurrent_jobs", 1000000)).getString("key");
        }
        return as(userKey);
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    /** Makes a key through the admin API; the answer holds {@code id} and {@code key}. */
    public static JsonPath newKey(Map<String, Object> request) {
        return admin().contentType(ContentType.JSON).body(request).post("/v1/admin/keys")
                .then().statusCode(201).extract().jsonPath();
    }

    public static String newUserKey(String name) {
        return newKey(Map.of("name", name)).getString("key");
    }
}
