package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One key's jobs, newest first, page by page, by status, model and time; never another key's. */
@RigpoolQuarkusTest
class JobListingTest {

    static final String RED = "gateway-listing-red";
    static final String BLUE = "gateway-listing-blue";

    static String key;
    static String otherKey;
    /** The jobs of {@code key}, oldest first: red, blue, red, blue, red; the first two succeeded. */
    static final List<String> jobs = new ArrayList<>();
    static String otherJob;

    /** Once for the class, but as a @BeforeEach: RestAssured knows the test port only from then on. */
    @BeforeEach
    void submitJobsOnce() {
        if (!jobs.isEmpty()) {
            return;
        }
        TestModels.serve(RED);
        TestModels.serve(BLUE);
        key = TestApi.newUserKey("listing test");
        otherKey = TestApi.newUserKey("listing test, someone else");
        for (int i = 0; i < 5; i++) {
            jobs.add(submit(TestApi.as(key), i % 2 == 0 ? RED : BLUE));
        }
        otherJob = submit(TestApi.as(otherKey), RED);
        for (String id : jobs.subList(0, 2)) {
            TestWorker.succeeded(id, "done", 1, 1, "stop");
        }
        await("two jobs succeeded").atMost(TestKafka.DEADLINE).until(() ->
                list("status=succeeded").getList("data.id").size() == 2);
    }

    @Test
    void aKeySeesItsOwnJobsNewestFirst() {
        JsonPath page = list("");

        assertEquals("list", page.getString("object"));
        assertEquals(reversed(jobs), page.getList("data.id"));
        assertFalse(page.getBoolean("has_more"));
        assertEquals(jobs.get(4), page.getString("first_id"));
        assertEquals(jobs.get(0), page.getString("last_id"));
    }

    @Test
    void pagesFollowOneAnother() {
        JsonPath first = list("limit=2");
        JsonPath second = list("limit=2&after=" + first.getString("last_id"));
        JsonPath third = list("limit=2&after=" + second.getString("last_id"));

        List<String> seen = new ArrayList<>(first.getList("data.id"));
        seen.addAll(second.getList("data.id"));
        seen.addAll(third.getList("data.id"));
        assertEquals(reversed(jobs), seen);
        assertTrue(first.getBoolean("has_more"));
        assertTrue(second.getBoolean("has_more"));
        assertFalse(third.getBoolean("has_more"));
    }

    @Test
    void filtersNarrowTheList() {
        assertEquals(List.of(jobs.get(1), jobs.get(0)), list("status=succeeded").getList("data.id"));
        assertEquals(List.of(jobs.get(4), jobs.get(2)), list("status=queued&model=" + RED).getList("data.id"));
        assertEquals(reversed(jobs), list("status=queued,succeeded").getList("data.id"));

        String thirdCreated = list("").getString("data[2].created_at");
        assertEquals(List.of(jobs.get(4), jobs.get(3), jobs.get(2)),
                list("created_after=" + thirdCreated).getList("data.id"));
        assertEquals(List.of(jobs.get(1), jobs.get(0)), list("created_before=" + thirdCreated).getList("data.id"));
    }

    @Test
    void anAdminSeesEveryonesJobs() {
        List<String> all = TestApi.admin().get("/v1/jobs?limit=100&model=" + RED).then().statusCode(200)
                .extract().jsonPath().getList("data.id");

        assertTrue(all.contains(otherJob), all.toString());
        assertTrue(all.contains(jobs.get(0)), all.toString());
    }

    @Test
    void anotherKeysJobIsNeitherListedNorUsableAsACursor() {
        assertFalse(list("limit=100").getList("data.id").contains(otherJob));
        TestApi.as(key).get("/v1/jobs?after=" + otherJob).then().statusCode(400).body("error.param",
                equalTo("after"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "limit=0, limit",
            "limit=101, limit",
            "limit=many, limit",
            "after=not-a-job, after",
            "status=done, status",
            "created_after=yesterday, created_after",
            "created_before=2026-13-01T00:00:00Z, created_before"})
    void aWrongParameterIsA400NamingIt(String query, String param) {
        TestApi.as(key).get("/v1/jobs?" + query)
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.param", equalTo(param));
    }

    private static JsonPath list(String query) {
        return TestApi.as(key).get(query.isEmpty() ? "/v1/jobs" : "/v1/jobs?" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static String submit(RequestSpecification as, String model) {
        return as.contentType(ContentType.JSON)
                .body("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static List<String> reversed(List<String> ids) {
        List<String> copy = new ArrayList<>(ids);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
