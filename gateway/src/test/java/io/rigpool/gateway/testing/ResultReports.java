package io.rigpool.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobUpdate;
import java.time.Duration;

/**
 * The tests that play a worker's updates by hand, one record at a time: a job submitted through the API, updates
 * published to rigpool.results keyed by job id (so on the job's partition, in order), and a wait for the status.
 */
public final class ResultReports {

    private final String model;

    public ResultReports(String model) {
        this.model = model;
    }

    /** Submits a small job of this model; returns its id. */
    public String submit() {
        return TestApi.user().contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "Name a colour."}],
                         "max_tokens": 8}""".formatted(model))
                .post("/v1/jobs")
                .then().statusCode(202)
                .extract().path("id");
    }

    /**
     * Publishes an update keyed by its job id (at_ms now, unless the update sets one); returns the partition it
     * went to. {@code partition} null lets the key choose.
     */
    public int report(Integer partition, JobUpdate.Builder update) {
        if (update.getAtMs() == 0) {
            update.setAtMs(System.currentTimeMillis());
        }
        JobUpdate built = update.setModel(model).build();
        return TestKafka.send(Topics.RESULTS, partition, built.getJobId(), built.toByteArray()).partition();
    }

    public static void awaitStatus(String id, String status) {
        await("job " + id + " " + status).atMost(TestKafka.DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(TestApi.user().get("/v1/jobs/" + id).then().extract().path("status")));
    }
}
