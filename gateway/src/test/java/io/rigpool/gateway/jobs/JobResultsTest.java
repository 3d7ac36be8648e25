package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolInfrastructureResource;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import io.rigpool.proto.v1.Usage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test is the worker: it publishes JobUpdates to rigpool.results and reads the job back over HTTP. */
@QuarkusTest
@QuarkusTestResource(value = RigpoolInfrastructureResource.class, restrictToAnnotatedClass = false)
class JobResultsTest {

    static final String MODEL = "gateway-results-model";

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void theFirstFinalResultIsStoredAndLaterUpdatesChangeNothing() {
        String id = submit();

        int partition = report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-a"));
        awaitStatus(id, "running");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("node_id", equalTo("node-a"))
                .body("started_at", notNullValue())
                .body("finished_at", nullValue());

        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-a").setText("Blue.").setFinishReason("stop")
                .setUsage(Usage.newBuilder().setPromptTokens(12).setCompletionTokens(3))
                .setTimings(Timings.newBuilder().setDecodeMs(4.5).setDecodeTps(660)));
        awaitStatus(id, "succeeded");
        JsonPath stored = TestApi.user().get("/v1/jobs/" + id).then()
                .statusCode(200)
                .body("result.text", equalTo("Blue."))
                .body("result.finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(12))
                .body("usage.completion_tokens", equalTo(3))
                .body("node_id", equalTo("node-a"))
                .body("finished_at", notNullValue())
                .body("error", nullValue())
                .extract().jsonPath();

        // A redelivered job ran again somewhere else and failed, then a stale RUNNING arrives. Both go to the same
        // partition as the result, followed by a marker job's result: once the marker is stored, the consumer has
        // read past them.
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_FAILED)
                .setNodeId("node-b").setError("runner crashed"));
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-c"));
        String marker = submit();
        report(partition, JobUpdate.newBuilder().setJobId(marker).setState(JobState.JOB_STATE_SUCCEEDED)
                .setText("marker"));
        awaitStatus(marker, "succeeded");

        JsonPath after = TestApi.user().get("/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(stored.getMap("$"), after.getMap("$"));
    }

    @Test
    void onlyTheNodeTheLatestRunningNamedMayEndTheJob() {
        String id = submit();
        int partition = report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-a"));
        // Another worker (or anyone who may write results) claims the job's end: ignored.
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-b").setText("forged"));
        // The job is redelivered to node-c: node-a's late result is ignored too, node-c's is stored.
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-c"));
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-a").setText("late"));
        report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-c").setText("Green."));

        awaitStatus(id, "succeeded");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("result.text", equalTo("Green."))
                .body("node_id", equalTo("node-c"));
    }

    @Test
    void aFailedJobShowsItsError() {
        String id = submit();
        report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_FAILED)
                .setNodeId("node-a").setError("model could not be loaded"));
        awaitStatus(id, "failed");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("error", equalTo("model could not be loaded"))
                .body("result.text", nullValue())
                .body("started_at", notNullValue());
    }

    private static String submit() {
        return TestApi.user().contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "Name a colour."}],
                         "max_tokens": 8}""".formatted(MODEL))
                .post("/v1/jobs")
                .then().statusCode(202)
                .extract().path("id");
    }

    /** Publishes an update keyed by its job id; returns the partition it went to. */
    private static int report(Integer partition, JobUpdate.Builder update) {
        JobUpdate built = update.setModel(MODEL).setAtMs(System.currentTimeMillis()).build();
        return TestKafka.send(Topics.RESULTS, partition, built.getJobId(), built.toByteArray()).partition();
    }

    private static void awaitStatus(String id, String status) {
        await("job " + id + " " + status).atMost(TestKafka.DEADLINE)
                .until(() -> status.equals(TestApi.user().get("/v1/jobs/" + id).then().extract().path("status")));
    }
}
