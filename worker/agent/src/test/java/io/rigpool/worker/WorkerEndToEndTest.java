package io.rigpool.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.infra.ManagementInterface;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.TokenChunk;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource.InjectPlanner;
import io.rigpool.worker.planner.TestPlannerResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The worker app as it runs on a PC, in demo mode, against a real gRPC planner (in this test), the real embedded
 * Kafka and real runner processes: hello, assignment, runner start, jobs from Kafka in parallel slots, text to
 * rigpool.tokens, results to rigpool.results, offsets committed after the results.
 */
@RigpoolQuarkusTest
@QuarkusTestResource(value = TestPlannerResource.class, restrictToAnnotatedClass = false)
class WorkerEndToEndTest {

    private static final long GIB = 1L << 30;

    @InjectPlanner
    TestPlanner planner;

    @Inject
    WorkerLifecycle worker;

    @ConfigProperty(name = "quarkus.log.file.path")
    Path log;

    @ConfigProperty(name = "rigpool.cluster-token")
    String clusterToken;

    @Test
    void helloDescribesThisPcItsGpuAndItsDemoModel() {
        await().atMost(WorkerKafka.DEADLINE).until(() -> !planner.hellos.isEmpty());

        WorkerHello hello = planner.hellos.get(0);
        assertEquals("rigpool-local-token", hello.getClusterToken());
        assertFalse(hello.getNodeId().isBlank());
        assertTrue(hello.getCpuThreads() >= 1);
        assertTrue(hello.getRamTotalBytes() > 0 && hello.getRamFreeBytes() > 0);
        assertTrue(hello.getCpuBandwidthGbps() > 0, "measured at start: " + hello.getCpuBandwidthGbps());
        Gpu gpu = hello.getGpus(0);
        assertEquals("NVIDIA GeForce RTX 3060", gpu.getName(), "from the GPU file");
        assertEquals(12 * GIB, gpu.getTotalBytes());
        assertEquals(360.0, gpu.getBandwidthGbps(), "from the RTX card table");
        assertFalse(hello.getGpuOffloadSupported(), "the bundled llama.cpp library is CPU-only");
        assertFalse(hello.getBackend().getGpuProven());
        assertEquals("cpu", hello.getBackend().getKind());
        assertTrue(hello.getBackend().getCpuOnlyReason().startsWith("no CUDA natives: "),
                "a GPU but no natives folder, and the node says so: " + hello.getBackend().getCpuOnlyReason());
        LocalModel model = hello.getModels(0);
        assertEquals(WorkerKafka.MODEL, model.getModelId());
        assertEquals(4, model.getLayerBytesCount());
        assertTrue(model.getLayerBytes(0) > 0 && model.getNonLayerBytes() > 0);

        WorkerTests.awaitReady(planner, worker);
        assertTrue(planner.runnerEvents().stream().anyMatch(e -> e.getModelId().equals(WorkerKafka.MODEL)
                && e.hasLoaded() && e.getLoaded().getBuffersCount() > 0), "the load report went to the planner");
        given().get("/api/status").then().statusCode(200)
                .body("node_id", equalTo(hello.getNodeId()))
                .body("planner_connected", equalTo(true))
                .body("paused", equalTo(false))
                .body("gpus[0].name", equalTo("NVIDIA GeForce RTX 3060"))
                .body("backend.gpu_proven", equalTo(false))
                .body("backend.cpu_only_reason", equalTo(hello.getBackend().getCpuOnlyReason()))
                .body("models", contains(WorkerKafka.MODEL))
                .body("loaded[0].model_id", equalTo(WorkerKafka.MODEL))
                .body("loaded[0].state", equalTo("ready"))
                .body("loaded[0].load_progress", equalTo(1.0f))
                .body("loaded[0].n_ctx", equalTo(TestPlannerResource.CONTEXT));
    }

    @Test
    void runsJobsInParallelSlotsStreamsTheirTextAndCommitsThemOnlyAfterTheirResults() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        WorkerKafka kafka = WorkerKafka.shared();
        Map<String, JobRequest> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            JobRequest job = WorkerKafka.job("say something " + i, 48, "Tell me about rig " + i);
            jobs.put(job.getJobId(), job);
        }
        // A tool turn is valid on llama-server only: this worker's java-llama runner must refuse it, not drop it.
        JobRequest invalid = WorkerKafka.job("a tool turn on java-llama", 16, "x").toBuilder()
                .addMessages(WorkerKafka.message("tool", "{}")).build();
        jobs.put(invalid.getJobId(), invalid);

        kafka.publish(jobs.values());
        Map<String, JobUpdate> ends = kafka.awaitTerminal(jobs.keySet());

        for (JobRequest job : jobs.values()) {
            List<JobUpdate> ofJob = kafka.updates(job.getJobId());
            assertEquals(JobState.JOB_STATE_RUNNING, ofJob.get(0).getState(), "RUNNING comes first: " + ofJob);
            JobUpdate last = ends.get(job.getJobId());
            assertEquals(job.getModel(), last.getModel());
            assertEquals(worker.node().setup().nodeId(), last.getNodeId());
            if (job == invalid) {
                assertEquals(JobState.JOB_STATE_FAILED, last.getState());
                assertTrue(last.getError().contains("cannot call tools"), last.getError());
                continue;
            }
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last.getState(), () -> "job failed: " + last.getError());
            assertFalse(last.getText().isBlank());
            assertEquals(48, last.getUsage().getCompletionTokens());
            assertEquals("length", last.getFinishReason());
            assertTrue(last.getUsage().getPromptTokens() > 5);
            assertTrue(last.getTimings().getDecodeTps() > 0);
            assertTokensSpell(kafka, job.getJobId(), last.getText(), 48);
        }
        assertEquals(TestPlannerResource.SLOTS, mostRunningAtOnce(kafka, jobs.keySet()),
                "jobs run side by side, never more than the runner's slots");
        kafka.awaitAcknowledgedToEnd(WorkerKafka.MODEL);
    }

    @Test
    void aJobsTraceIdComesBackOnEveryUpdateAndChunkAndTheMetricsCountTheJob() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        WorkerKafka kafka = WorkerKafka.shared();
        String traceId = TraceIds.generate();
        JobRequest job = WorkerKafka.job("traced", 24, "Where does this trace go?");

        kafka.publish(job, traceId);
        JobUpdate last = kafka.awaitTerminal(job.getJobId());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, last.getState(), () -> "job failed: " + last.getError());
        await().atMost(WorkerKafka.DEADLINE).until(() -> kafka.tokens(job.getJobId()).stream()
                .anyMatch(TokenChunk::getLast));

        List<String> traces = kafka.traces(job.getJobId());
        assertTrue(traces.size() >= 3, "RUNNING, at least one chunk and the result: " + traces);
        assertTrue(traces.stream().allMatch(traceId::equals), "every record carries the job's trace id: " + traces);

        String metrics = given().get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract()
                .asString();
        String model = "model=\"" + WorkerKafka.MODEL + "\"";
        assertTrue(metric(metrics, "rigpool_jobs_finished_total", model, "status=\"succeeded\"") >= 1, metrics);
        assertTrue(metric(metrics, "rigpool_tokens_generated_total", model) >= 24);
        assertTrue(metric(metrics, "rigpool_decode_tokens_per_second", model) > 0);
        assertEquals(TestPlannerResource.SLOTS, metric(metrics, "rigpool_slots_total", model));
        assertTrue(metric(metrics, "rigpool_runner_starts_total", model) >= 1);
        assertTrue(metric(metrics, "rigpool_heartbeats_sent_total") >= 1);
        long free = worker.node().gpus().latest().get(0).getFreeBytes();
        assertEquals((double) free, metric(metrics, "rigpool_gpu_vram_free_bytes", "gpu=\"0\""));

        // The log shows the job's end with its trace id, and never the cluster token the hello carried.
        await().atMost(WorkerKafka.DEADLINE).until(() -> Files.readAllLines(log).stream()
                .anyMatch(line -> line.contains(traceId) && line.contains("job " + job.getJobId() + " succeeded")));
        assertFalse(Files.readString(log).contains(clusterToken), "the cluster token is in the worker's log");
    }

    @Test
    void aJobNobodyStreamsGetsItsAnswerInTheResultAndNoChunks() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        WorkerKafka kafka = WorkerKafka.shared();
        JobRequest whole = WorkerKafka.job("whole answer", 24, "Answer in one piece").toBuilder().setStream(false)
                .build();
        kafka.publish(List.of(whole));
        JobUpdate end = kafka.awaitTerminal(whole.getJobId());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, end.getState(), () -> "job failed: " + end.getError());
        assertEquals(24, end.getUsage().getCompletionTokens());
        assertFalse(end.getText().isBlank());

        // A streamed job after it: once its chunks are all read, any chunk of the first would have been too.
        JobRequest streamed = WorkerKafka.job("streamed after", 8, "Now in pieces");
        kafka.publish(List.of(streamed));
        JobUpdate streamedEnd = kafka.awaitTerminal(streamed.getJobId());
        assertTokensSpell(kafka, streamed.getJobId(), streamedEnd.getText(), 8);
        assertEquals(List.of(), kafka.tokens(whole.getJobId()), "no chunk for a job whose request did not stream");
    }

    /** The value of the first sample of a meter with all the given labels; fails when there is none. */
    static double metric(String metrics, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name)
                + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (Arrays.stream(labels).allMatch(found::contains)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample of " + name + " " + List.of(labels) + " in:\n" + metrics);
    }

    @Test
    void reconnectsWhenThePlannerRestartsAndKeepsTheLoadedModel() throws Exception {
        WorkerTests.awaitReady(planner, worker);
        long pid = worker.node().supervisor().runner(WorkerKafka.MODEL).orElseThrow().pid();
        int hellos = planner.hellos.size();
        int port = planner.port();

        planner.stop();
        planner.start(port);

        await().atMost(WorkerKafka.DEADLINE).until(() -> planner.hellos.size() > hellos);
        int heartbeats = planner.heartbeats.size();
        await().atMost(WorkerKafka.DEADLINE).until(() -> planner.heartbeats.size() > heartbeats);
        assertEquals(pid, worker.node().supervisor().runner(WorkerKafka.MODEL).orElseThrow().pid(),
                "the unchanged plan keeps the runner");
    }

    /** The chunks of a job are numbered in order, the last is marked, and together they are the job's text. */
    static void assertTokensSpell(WorkerKafka kafka, String jobId, String text, int completionTokens) {
        List<TokenChunk> chunks = kafka.tokens(jobId);
        await().atMost(WorkerKafka.DEADLINE).until(() -> kafka.tokens(jobId).stream().anyMatch(TokenChunk::getLast));
        chunks = kafka.tokens(jobId);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i).getSeq(), "in order: " + chunks);
            assertEquals(i == chunks.size() - 1, chunks.get(i).getLast());
            joined.append(chunks.get(i).getText());
        }
        assertEquals(text, joined.toString());
        assertTrue(chunks.size() <= completionTokens + 1, chunks.size() + " chunks for " + completionTokens
                + " tokens: batched, not one record per token");
    }

    /** The largest number of the jobs that were RUNNING at the same moment, from their updates' times. */
    private static int mostRunningAtOnce(WorkerKafka kafka, Iterable<String> jobIds) {
        List<long[]> events = new ArrayList<>();
        for (String id : jobIds) {
            List<JobUpdate> updates = kafka.updates(id);
            long start = updates.get(0).getAtMs();
            long end = kafka.terminal(id).orElseThrow().getAtMs();
            events.add(new long[] {start, 1});
            events.add(new long[] {end, -1});
        }
        // At the same millisecond an end counts before a start: a slot is freed before it is taken again.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int most = 0;
        for (long[] e : events) {
            now += (int) e[1];
            most = Math.max(most, now);
        }
        return most;
    }
}
