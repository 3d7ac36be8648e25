package io.rigpool.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The local stack's mode: {@code rigpool.gateway.auth.enabled=false}, and requests carry no key at all. */
@RigpoolQuarkusTest
@TestProfile(AuthDisabledTest.WithoutAuth.class)
class AuthDisabledTest {

    static final String MODEL = "gateway-no-auth-model";

    public static class WithoutAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rigpool.gateway.auth.enabled", "false");
        }
    }

    @Test
    void requestsWithoutAKeyAreServedAsAnAdmin() {
        TestKafka.send(Topics.MODELS, MODEL, ModelCatalogEntry.newBuilder().setModelId(MODEL)
                .setContextLength(2048).build().toByteArray());
        Awaitility.await().atMost(TestKafka.DEADLINE).until(() -> given().get("/v1/models").then().extract()
                .jsonPath().getList("data.id").contains(MODEL));

        String id = given().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
        given().get("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("queued"));
        given().get("/v1/admin/keys").then().statusCode(200);
        List<String> listed = given().get("/v1/jobs").then().statusCode(200).extract().jsonPath().getList("data.id");
        org.junit.jupiter.api.Assertions.assertTrue(listed.contains(id));
    }
}
