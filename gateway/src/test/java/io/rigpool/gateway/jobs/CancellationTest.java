package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.rigpool.common.topics.Topics;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobControl;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RigpoolQuarkusTest
class CancellationTest {

    static final String MODEL = "gateway-cancel-model";

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndTheRestOfRigpoolIsTold() throws Exception {
        String id = submit();

        TestApi.user().post("/v1/jobs/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("finished_at", notNullValue());

        assertTrue(JobControl.parseFrom(TestKafka.awaitRecord(Topics.CONTROL, id).value()).getCancel());
        JobUpdate told = JobUpdate.parseFrom(TestKafka.awaitRecord(Topics.RESULTS, id).value());
        assertEquals(JobState.JOB_STATE_CANCELLED, told.getState());

        // A worker that ran it anyway reports success; the job stays cancelled.
        TestWorker.succeeded(id, "too late", 1, 1, "stop");
        String marker = submit();
        TestWorker.succeeded(marker, "marker", 1, 1, "stop");
        awaitStatus(marker, "succeeded");
        TestApi.user().get("/v1/jobs/" + id).then().body("status", equalTo("cancelled"));
    }

    @Test
    void aRunningJobIsAskedToStopAndEndsWhenItsWorkerSaysSo() throws Exception {
        String id = submit();
        TestWorker.running(id);
        awaitStatus(id, "running");

        TestApi.user().post("/v1/jobs/" + id + "/cancel")
                .then()
                .statusCode(202)
                .body("status", equalTo("running"))
                .body("cancel_requested_at", notNullValue());
        JobControl control = JobControl.parseFrom(TestKafka.awaitRecord(Topics.CONTROL, id).value());
        assertEquals(id, control.getJobId());
        assertTrue(control.getCancel());

        TestWorker.cancelled(id, "Half an ans");
        awaitStatus(id, "cancelled");
        TestApi.user().get("/v1/jobs/" + id).then().body("result.text", equalTo("Half an ans"));
    }

    @Test
    void aFinishedJobCannotBeCancelledAndAnotherKeysJobIsNotFound() {
        String id = submit();
        TestWorker.succeeded(id, "done", 1, 1, "stop");
        awaitStatus(id, "succeeded");

        TestApi.user().post("/v1/jobs/" + id + "/cancel")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("job_finished"));
        TestApi.as(TestApi.newUserKey("not the owner")).post("/v1/jobs/" + submit() + "/cancel")
                .then()
                .statusCode(404);
    }

    private static String submit() {
        return TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static void awaitStatus(String id, String status) {
        await("job " + id + " " + status).atMost(TestKafka.DEADLINE)
                .until(() -> status.equals(TestApi.user().get("/v1/jobs/" + id).then().extract().path("status")));
    }
}
