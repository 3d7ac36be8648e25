package io.rigpool.gateway.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.rigpool.gateway.jobs.intake.FollowerCopy;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/jobs/{id}/events}: join late, get what was made so far, then the rest, then the result. */
@RigpoolQuarkusTest
class JobEventsStreamTest {

    static final String MODEL = "gateway-events-model";
    static final ObjectMapper JSON = new ObjectMapper();

    /** A second instance whose results nobody stores: the test's own gateway does. */
    private static final FollowerCopy NO_STORE = new FollowerCopy() {
        @Override
        public void offer(ConsumerRecord<String, byte[]> record) {
        }

        @Override
        public void lostPlace() {
        }
    };

    @TestHTTPResource("/v1/jobs")
    URI jobsUri;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aLateClientGetsTheTokensSoFarThenFollowsToTheEnd() throws Exception {
        String id = submit(true);
        TestWorker.running(id);
        TestWorker.token(id, 0, "Once", false);
        TestWorker.token(id, 1, " upon", false);

        try (EventReader events = EventReader.open(jobsUri, id, null)) {
            assertEquals(List.of("Once", " upon"), events.awaitTokens(2));
            TestWorker.token(id, 2, " a", false);
            TestWorker.token(id, 3, " time", true);
            TestWorker.succeeded(id, "Once upon a time", 3, 4, "stop");

            JsonNode done = events.awaitDone();
            assertEquals(List.of("Once", " upon", " a", " time"), events.tokens());
            assertEquals(List.of("0", "1", "2", "3"), events.ids());
            assertEquals("succeeded", done.get("status").asText());
            assertEquals("Once upon a time", done.at("/result/text").asText());
            assertEquals(4, done.at("/usage/completion_tokens").asInt());
        }
    }

    @Test
    void aClientResumingWithLastEventIdGetsOnlyLaterTokens() throws Exception {
        String id = submit(true);
        TestWorker.running(id);
        for (int i = 0; i < 4; i++) {
            TestWorker.token(id, i, "t" + i, false);
        }
        try (EventReader events = EventReader.open(jobsUri, id, "1")) {
            assertEquals(List.of("t2", "t3"), events.awaitTokens(2));
            TestWorker.succeeded(id, "t0t1t2t3", 1, 4, "stop");
            events.awaitDone();
            assertEquals(List.of("t2", "t3"), events.tokens());
        }
    }

    @Test
    void aFinishedJobIsReplayedFromItsStoredResult() throws Exception {
        String id = submit(false);
        TestWorker.succeeded(id, "Stored answer", 2, 2, "stop");
        await("job " + id + " succeeded").atMost(TestKafka.DEADLINE).until(() -> "succeeded".equals(
                TestApi.user().get("/v1/jobs/" + id).then().extract().path("status")));

        try (EventReader events = EventReader.open(jobsUri, id, null)) {
            JsonNode done = events.awaitDone();
            assertEquals("Stored answer", String.join("", events.tokens()));
            assertEquals("Stored answer", done.at("/result/text").asText());
        }
    }

    @Test
    void anotherKeysJobHasNoStream() {
        String id = submit(true);
        TestApi.as(TestApi.newUserKey("events stranger")).get("/v1/jobs/" + id + "/events")
                .then().statusCode(404).contentType(ContentType.JSON);
    }

    /**
     * What makes any instance able to serve any stream: a follower joins no consumer group. A second one, as a second
     * gateway instance would run, hears every token too, including those made before it started.
     */
    @Test
    void everyFollowerHearsEveryJobsTokens() {
        String id = submit(true);
        TestWorker.token(id, 0, "early", false);
        JobEventHub hub = new JobEventHub(Duration.ofMinutes(10), Duration.ofMinutes(1), 1000, System::nanoTime);
        List<String> heard = new CopyOnWriteArrayList<>();
        hub.watch(UUID.fromString(id), new JobListener() {
            @Override
            public void onToken(int seq, String text) {
                heard.add(text);
            }

            @Override
            public void onFinished(JobOutcome outcome) {
                heard.add("end:" + outcome.status().wireName());
            }
        });
        try (JobEventFollower second = new JobEventFollower(
                Map.of("bootstrap.servers", TestKafka.bootstrapServers()), "second-gateway-instance", hub,
                Duration.ofMinutes(10), NO_STORE)) {
            second.start();
            // Replayed from before it started; results it reads only from its start on, so wait for it to be there.
            await("the second instance replayed the early token").atMost(TestKafka.DEADLINE)
                    .until(() -> heard.contains("early"));
            TestWorker.token(id, 1, "late", true);
            TestWorker.succeeded(id, "earlylate", 1, 2, "stop");
            await("the second instance heard the job").atMost(TestKafka.DEADLINE)
                    .until(() -> heard.contains("end:succeeded"));
        }
        assertEquals(List.of("early", "late", "end:succeeded"), heard);
    }

    private static String submit(boolean stream) {
        return TestApi.user().contentType(ContentType.JSON)
                .body("{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me\"}],"
                        + " \"stream\": " + stream + "}")
                .post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    /** Reads a job's event stream on a thread of its own, keeping token texts, their ids and the done event. */
    static final class EventReader implements AutoCloseable {

        private final List<String> tokens = new CopyOnWriteArrayList<>();
        private final List<String> ids = new CopyOnWriteArrayList<>();
        private volatile JsonNode done;
        private final InputStream body;

        private EventReader(InputStream body) {
            this.body = body;
            Thread reader = new Thread(this::read, "test-event-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static EventReader open(URI jobsUri, String id, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jobsUri + "/" + id + "/events"))
                    .header("Authorization", "Bearer " + TestApi.ADMIN_KEY)
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            return new EventReader(response.body());
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String event = null;
                String id = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        JsonNode data = JSON.readTree(line.substring(6));
                        if ("token".equals(event)) {
                            ids.add(id);
                            tokens.add(data.get("text").asText());
                        } else if ("done".equals(event)) {
                            done = data;
                        }
                    } else if (line.isEmpty()) {
                        event = null;
                        id = null;
                    }
                }
            } catch (Exception e) {
                // closed by the test
            }
        }

        List<String> awaitTokens(int count) {
            await(count + " tokens").atMost(TestKafka.DEADLINE).until(() -> tokens.size() >= count);
            return new ArrayList<>(tokens);
        }

        JsonNode awaitDone() {
            await("the done event").atMost(TestKafka.DEADLINE).until(() -> done != null);
            return done;
        }

        List<String> tokens() {
            return new ArrayList<>(tokens);
        }

        List<String> ids() {
            return new ArrayList<>(ids);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
