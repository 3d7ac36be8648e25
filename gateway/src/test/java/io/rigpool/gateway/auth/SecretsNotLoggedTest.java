package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** API keys pass through the gateway (made, used, refused) without ever reaching its log. */
@RigpoolQuarkusTest
class SecretsNotLoggedTest {

    @ConfigProperty(name = "quarkus.log.file.path")
    Path log;

    @Test
    void keysMadeUsedAndRefusedAreNotInTheLog() throws Exception {
        TestModels.serve("gateway-secrets-model");
        String userKey = TestApi.newUserKey("secrets test");
        TestApi.as(userKey).contentType(ContentType.JSON)
                .body("""
                        {"model": "gateway-secrets-model", "messages": [{"role": "user", "content": "Hi"}]}""")
                .post("/v1/jobs").then().statusCode(202);
        String wrongKey = "rp-not-a-key-" + System.nanoTime();
        TestApi.as(wrongKey).get("/v1/jobs").then().statusCode(401);
        TestApi.admin().get("/v1/admin/keys").then().statusCode(200);

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.contains("rigpool-gateway"), "the log of this run is being read: " + log);
        for (String secret : List.of(TestApi.ADMIN_KEY, userKey, wrongKey)) {
            assertFalse(logged.contains(secret), "a key is in the log: " + secret.substring(0, 6) + "...");
        }
    }
}
