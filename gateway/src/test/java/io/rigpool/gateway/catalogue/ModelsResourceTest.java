package io.rigpool.gateway.catalogue;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class ModelsResourceTest {

    @Test
    void aModelInTheCatalogueTopicIsListedUntilItIsRemoved() {
        TestModels.serve("gateway-catalogue-model");

        TestApi.user().get("/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("gateway-catalogue-model"))
                .body("data.find { it.id == 'gateway-catalogue-model' }.object", equalTo("model"))
                .body("data.find { it.id == 'gateway-catalogue-model' }.owned_by", equalTo("rigpool"));

        TestModels.withdraw("gateway-catalogue-model");
        await("model removed").atMost(TestKafka.DEADLINE)
                .until(() -> !TestModels.listed().contains("gateway-catalogue-model"));
    }
}
