package io.rigpool.planner.metrics;

import static io.restassured.RestAssured.given;
import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static io.rigpool.planner.testing.PlannerUnderTest.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.planner.nodes.FakeWorker;
import io.rigpool.planner.testing.PlannerUnderTest;
import io.rigpool.proto.v1.Heartbeat;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class PlannerMetricsTest {

    @Inject
    PlannerUnderTest planner;

    @Test
    void metricsShowTheNodeItsVramAndThePlanningRounds() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String node = "metrics-node-" + suffix;
        String model = "metrics-model-" + suffix;
        try (FakeWorker worker = planner.worker()) {
            var hello = planner.hello(node, 10 * GIB, FakeWorker.model(model, 2 * GIB, 8));
            worker.send(hello);
            worker.keepBeating(Heartbeat.newBuilder().addAllGpus(hello.getGpusList())
                    .setRamFreeBytes(hello.getRamFreeBytes()).build(), Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> worker.latestAssignments() != null
                    && worker.latestAssignments().getAssignments().getAssignmentsCount() == 1);

            await().atMost(WAIT).untilAsserted(() -> {
                String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract()
                        .asString();
                assertEquals(10.0 * GIB, value(metrics, "rigpool_node_vram_free_bytes", "node=\"" + node + "\""),
                        "free VRAM as the worker reported it");
                double planned = value(metrics, "rigpool_node_vram_planned_bytes", "node=\"" + node + "\"");
                assertTrue(planned > GIB && planned < 10.0 * GIB, "the 2 GiB model planned on the GPU: " + planned);
                assertEquals(1.0, value(metrics, "rigpool_assignments", "model=\"" + model + "\""));
                assertTrue(value(metrics, "rigpool_nodes", "status=\"ready\"") >= 1);
                assertTrue(value(metrics, "rigpool_gpus", null) >= 1);
                assertTrue(value(metrics, "rigpool_replans_total", null) >= 1);
                assertTrue(value(metrics, "rigpool_plan_changes_total", null) >= 1);
                assertTrue(value(metrics, "rigpool_replan_duration_seconds_count", null) >= 1);
                assertTrue(value(metrics, "rigpool_replan_duration_seconds_sum", null) > 0);
            });
        }
    }

    /** The value of the first sample of a meter whose labels contain {@code label}; fails when there is none. */
    static double value(String metrics, String name, String label) {
        return find(metrics, name, label).orElseThrow(() -> new AssertionError("no sample of " + name
                + (label == null ? "" : "{" + label + "}") + " in:\n" + metrics));
    }

    private static OptionalDouble find(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
                return OptionalDouble.of(Double.parseDouble(m.group(2)));
            }
        }
        return OptionalDouble.empty();
    }
}
