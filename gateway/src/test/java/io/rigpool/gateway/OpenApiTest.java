package io.rigpool.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists every endpoint, and Swagger UI is served by the gateway itself. */
@RigpoolQuarkusTest
class OpenApiTest {

    static final Map<String, List<String>> ENDPOINTS = Map.of(
            "/v1/chat/completions", List.of("post"),
            "/v1/models", List.of("get"),
            "/v1/models/{id}", List.of("get"),
            "/v1/jobs", List.of("get", "post"),
            "/v1/jobs/{id}", List.of("get"),
            "/v1/jobs/{id}/cancel", List.of("post"),
            "/v1/jobs/{id}/events", List.of("get"),
            "/v1/admin/keys", List.of("get", "post"),
            "/v1/admin/keys/{id}", List.of("delete"));

    @Test
    void theDocumentListsEveryEndpoint() {
        JsonPath document = given().queryParam("format", "json").get(ManagementInterface.url("/q/openapi"))
                .then().statusCode(200).extract().jsonPath();

        Map<String, Map<String, Object>> paths = document.getMap("paths");
        ENDPOINTS.forEach((path, methods) -> {
            assertTrue(paths.containsKey(path), "missing " + path + " in " + paths.keySet());
            methods.forEach(method -> assertTrue(paths.get(path).containsKey(method), method + " " + path));
        });
        assertTrue(document.getMap("components.securitySchemes").containsKey("apiKey"));
    }

    @Test
    void swaggerUiIsServedLocally() {
        given().get(ManagementInterface.url("/q/swagger-ui/")).then().statusCode(200)
                .body(containsString("swagger-ui"));
    }
}
