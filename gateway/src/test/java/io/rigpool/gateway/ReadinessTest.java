package io.rigpool.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class ReadinessTest {

    @Test
    void readinessChecksDatabaseKafkaAndTheCatalogue() {
        await("ready").atMost(TestKafka.DEADLINE)
                .until(() -> given().get(ManagementInterface.url("/q/health/ready")).statusCode() == 200);
        given().get(ManagementInterface.url("/q/health/ready"))
                .then()
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("model catalogue"))
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Database connections health check"));
    }

    @Test
    void livenessChecksTheThreadsThatMoveJobs() {
        given().get(ManagementInterface.url("/q/health/live"))
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("gateway threads"));
    }
}
