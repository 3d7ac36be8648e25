package io.rigpool.gateway.metrics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} in Prometheus' text format: requests, queue depth, job latency, tokens. */
@RigpoolQuarkusTest
class MetricsTest {

    static final String MODEL = "gateway-metrics-model";

    @Inject
    GatewayMetrics metrics;

    @Test
    void jobsShowInTheQueueDepthLatencyHistogramAndTokenCount() {
        TestModels.serve(MODEL);
        String queued = submit();
        submit();
        metrics.refreshQueueDepths();
        assertTrue(value("rigpool_queue_depth\\{model=\"" + MODEL + "\"}") >= 2, scrape());

        TestWorker.succeeded(queued, "twelve tokens", 4, 12, "stop");
        await("the latency of job " + queued).atMost(TestKafka.DEADLINE).until(() -> scrape().contains(
                "rigpool_job_latency_seconds_count{model=\"" + MODEL + "\",status=\"succeeded\"}"));
        String text = scrape();
        assertTrue(text.contains("rigpool_job_latency_seconds_bucket{model=\"" + MODEL + "\",status=\"succeeded\","),
                "a histogram, with buckets");
        assertTrue(value("rigpool_tokens_generated_total\\{model=\"" + MODEL + "\"}") >= 12, text);
        assertTrue(value("rigpool_jobs_submitted_total\\{api=\"jobs\",model=\"" + MODEL + "\"}") >= 2, text);
        metrics.refreshQueueDepths();
        assertTrue(value("rigpool_queue_depth\\{model=\"" + MODEL + "\"}") >= 1, scrape());
        assertTrue(scrape().contains("http_server_requests_seconds_count{"), "request metrics");
    }

    private static String submit() {
        return TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static String scrape() {
        return given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract().asString();
    }

    private static double value(String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
