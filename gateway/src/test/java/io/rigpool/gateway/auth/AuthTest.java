package io.rigpool.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@RigpoolQuarkusTest
class AuthTest {

    static final String MODEL = "gateway-auth-model";

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|an API key is required",
        "Basic dXNlcjpwYXNz|must be 'Bearer <key>'",
        "Bearer rp-no-such-key|not valid, or has been revoked",
        "'Bearer '|must be 'Bearer <key>'"})
    void aRequestWithoutAValidKeyIsA401SayingWhy(String authorization, String why) {
        var request = given();
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        request.get("/v1/models")
                .then()
                .statusCode(401)
                .contentType(ContentType.JSON)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("error.type", equalTo("authentication_error"))
                .body("error.message", containsString(why));
    }

    @Test
    void managementEndpointsNeedNoKey() {
        given().get(ManagementInterface.url("/q/health/live")).then().statusCode(200);
        given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200);
        given().get(ManagementInterface.url("/q/openapi")).then().statusCode(200);
    }

    @Test
    void anAdminMakesKeysThatWorkUntilRevoked() throws Exception {
        JsonPath made = TestApi.newKey(Map.of("name", "alice", "role", "user", "max_concurrent_jobs", 3));
        String key = made.getString("key");
        String id = made.getString("id");

        TestApi.as(key).get("/v1/models").then().statusCode(200);
        TestApi.admin().get("/v1/admin/keys")
                .then()
                .statusCode(200)
                .body("id", hasItem(id))
                .body("key", not(hasItem(key)))
                .body("find { it.id == '" + id + "' }.max_concurrent_jobs", equalTo(3))
                .body("find { it.id == '" + id + "' }.key_prefix", equalTo(key.substring(0, 9) + "…"));
        assertArrayEquals(ApiKeySecrets.hash(key), storedHash(UUID.fromString(id)));

        TestApi.admin().delete("/v1/admin/keys/" + id).then().statusCode(200);
        TestApi.as(key).get("/v1/models").then().statusCode(401);
    }

    @Test
    void aUserKeyCannotManageKeys() {
        TestApi.user().get("/v1/admin/keys")
                .then()
                .statusCode(403)
                .body("error.type", equalTo("permission_error"))
                .body("error.message", containsString("this needs an admin key; key '"))
                .body("error.message", containsString("' is a user key"));
    }

    @Test
    void aResourceWithoutARoleCheckIsRefusedEvenToAnAdmin() {
        TestApi.admin().get("/v1/test-only/unguarded").then().statusCode(403)
                .body("error.type", equalTo("permission_error"));
    }

    @Test
    void aUserSeesOnlyItsOwnJobsAndAnAdminSeesAll() {
        String alice = TestApi.newUserKey("alice's key");
        String bob = TestApi.newUserKey("bob's key");
        String alicesJob = TestApi.as(alice).contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");

        TestApi.as(alice).get("/v1/jobs/" + alicesJob).then().statusCode(200);
        TestApi.as(bob).get("/v1/jobs/" + alicesJob)
                .then()
                .statusCode(404)
                .body("error.type", equalTo("not_found_error"));
        assertFalse(TestApi.as(bob).get("/v1/jobs").then().extract().jsonPath().getList("data.id")
                .contains(alicesJob));
        TestApi.admin().get("/v1/jobs/" + alicesJob).then().statusCode(200);
    }

    @Test
    void aBadKeyRequestNamesTheField() {
        TestApi.admin().contentType(ContentType.JSON).body("{\"role\": \"user\"}").post("/v1/admin/keys")
                .then().statusCode(400).body("error.param", equalTo("name"));
        TestApi.admin().contentType(ContentType.JSON).body("{\"name\": \"x\", \"role\": \"root\"}")
                .post("/v1/admin/keys")
                .then().statusCode(400).body("error.param", equalTo("role"));
        TestApi.admin().contentType(ContentType.JSON).body("{\"name\": \"x\", \"burst\": 0}").post("/v1/admin/keys")
                .then().statusCode(400).body("error.param", equalTo("burst"));
        TestApi.admin().delete("/v1/admin/keys/" + UUID.randomUUID()).then().statusCode(404);
    }

    private byte[] storedHash(UUID keyId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT key_hash FROM gateway.api_keys WHERE id = ?")) {
            s.setObject(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
