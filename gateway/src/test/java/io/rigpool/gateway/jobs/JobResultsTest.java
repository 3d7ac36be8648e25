package io.rigpool.gateway.jobs;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.rigpool.gateway.testing.ResultReports;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import io.rigpool.proto.v1.Usage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test is the worker: it publishes JobUpdates to rigpool.results and reads the job back over HTTP. */
@RigpoolQuarkusTest
class JobResultsTest {

    static final String MODEL = "gateway-results-model";

    final ResultReports results = new ResultReports(MODEL);

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void theFirstFinalResultIsStoredAndLaterUpdatesChangeNothing() {
        String id = results.submit();

        int partition = results.report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-a"));
        ResultReports.awaitStatus(id, "running");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("node_id", equalTo("node-a"))
                .body("started_at", notNullValue())
                .body("finished_at", nullValue());

        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-a").setText("Blue.").setFinishReason("stop")
                .setUsage(Usage.newBuilder().setPromptTokens(12).setCompletionTokens(3))
                .setTimings(Timings.newBuilder().setDecodeMs(4.5).setDecodeTps(660)));
        ResultReports.awaitStatus(id, "succeeded");
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
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_FAILED)
                .setNodeId("node-b").setError("runner crashed"));
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-c"));
        String marker = results.submit();
        results.report(partition, JobUpdate.newBuilder().setJobId(marker).setState(JobState.JOB_STATE_SUCCEEDED)
                .setText("marker"));
        ResultReports.awaitStatus(marker, "succeeded");

        JsonPath after = TestApi.user().get("/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(stored.getMap("$"), after.getMap("$"));
    }

    @Test
    void onlyTheNodeTheLatestRunningNamedMayEndTheJob() {
        String id = results.submit();
        int partition = results.report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-a"));
        // Another worker (or anyone who may write results) claims the job's end: ignored.
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-b").setText("forged"));
        // The job is redelivered to node-c: node-a's late result is ignored too, node-c's is stored.
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_RUNNING)
                .setNodeId("node-c"));
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-a").setText("late"));
        results.report(partition, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_SUCCEEDED)
                .setNodeId("node-c").setText("Green."));

        ResultReports.awaitStatus(id, "succeeded");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("result.text", equalTo("Green."))
                .body("node_id", equalTo("node-c"));
    }

    @Test
    void aFailedJobShowsItsError() {
        String id = results.submit();
        results.report(null, JobUpdate.newBuilder().setJobId(id).setState(JobState.JOB_STATE_FAILED)
                .setNodeId("node-a").setError("model could not be loaded"));
        ResultReports.awaitStatus(id, "failed");
        TestApi.user().get("/v1/jobs/" + id).then()
                .body("error", equalTo("model could not be loaded"))
                .body("result.text", nullValue())
                .body("started_at", notNullValue());
    }
}
