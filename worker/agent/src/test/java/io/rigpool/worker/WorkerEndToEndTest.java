package io.rigpool.worker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.RigpoolInfrastructureResource;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.worker.jobs.JobConsumer;
import io.rigpool.worker.planner.TestPlanner;
import io.rigpool.worker.planner.TestPlannerResource;
import io.rigpool.worker.planner.TestPlannerResource.InjectPlanner;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The worker app as it runs on a PC, in demo mode, against a real gRPC planner (in this test), the real embedded
 * Kafka and real runner processes: hello, assignment, runner start, jobs from Kafka, results to Kafka, offsets
 * committed after the results.
 */
@QuarkusTest
@QuarkusTestResource(value = RigpoolInfrastructureResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestPlannerResource.class, restrictToAnnotatedClass = true)
class WorkerEndToEndTest {

    private static final String MODEL = "rigpool-tiny";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @InjectPlanner
    TestPlanner planner;

    @Inject
    WorkerLifecycle worker;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void helloDescribesThisPcAndItsDemoModel() {
        await("a hello", () -> !planner.hellos.isEmpty());

        WorkerHello hello = planner.hellos.get(0);
        assertEquals("rigpool-local-token", hello.getClusterToken());
        assertFalse(hello.getNodeId().isBlank());
        assertTrue(hello.getCpuThreads() >= 1);
        assertTrue(hello.getRamTotalBytes() > 0 && hello.getRamFreeBytes() > 0);
        assertEquals(List.of(), hello.getGpusList(), "no nvidia-smi and no override here: CPU-only");
        assertFalse(hello.getGpuOffloadSupported());
        LocalModel model = hello.getModels(0);
        assertEquals(MODEL, model.getModelId());
        assertEquals(4, model.getLayerBytesCount());
        assertTrue(model.getLayerBytes(0) > 0 && model.getNonLayerBytes() > 0);

        awaitReady();
        given().get("/api/status").then().statusCode(200)
                .body("node_id", equalTo(hello.getNodeId()))
                .body("planner_connected", equalTo(true))
                .body("models", contains(MODEL))
                .body("loaded[0].model_id", equalTo(MODEL))
                .body("loaded[0].state", equalTo("ready"))
                .body("loaded[0].n_ctx", equalTo(TestPlannerResource.CONTEXT));
    }

    @Test
    void runsJobsFromKafkaAndCommitsThemOnlyAfterTheirResults() throws Exception {
        awaitReady();
        Map<String, JobRequest> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            JobRequest job = job("say something " + i, List.of(message("user", "Tell me about rig " + i)));
            jobs.put(job.getJobId(), job);
        }
        JobRequest invalid = job("an unsupported role", List.of(message("tool", "{}")));
        jobs.put(invalid.getJobId(), invalid);

        publish(jobs.values());
        Map<String, List<JobUpdate>> updates = awaitTerminalUpdates(jobs.keySet());

        for (JobRequest job : jobs.values()) {
            List<JobUpdate> ofJob = updates.get(job.getJobId());
            assertEquals(JobState.JOB_STATE_RUNNING, ofJob.get(0).getState(), "RUNNING comes first: " + ofJob);
            JobUpdate last = ofJob.get(ofJob.size() - 1);
            assertEquals(job.getModel(), last.getModel());
            assertEquals(worker.node().setup().nodeId(), last.getNodeId());
            if (job == invalid) {
                assertEquals(JobState.JOB_STATE_FAILED, last.getState());
                assertTrue(last.getError().contains("role 'tool' is not supported"), last.getError());
                continue;
            }
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last.getState(), () -> "job failed: " + last.getError());
            assertFalse(last.getText().isBlank());
            assertEquals(16, last.getUsage().getCompletionTokens());
            assertEquals("length", last.getFinishReason());
            assertTrue(last.getUsage().getPromptTokens() > 5);
            assertTrue(last.getTimings().getDecodeTps() > 0);
        }
        awaitCommittedToEnd(Topics.jobs(MODEL), JobConsumer.groupId(MODEL));
    }

    @Test
    void reconnectsWhenThePlannerRestartsAndKeepsTheLoadedModel() throws Exception {
        awaitReady();
        long pid = worker.node().supervisor().runner(MODEL).orElseThrow().pid();
        int hellos = planner.hellos.size();
        int port = planner.port();

        planner.stop();
        planner.start(port);

        await("a new hello after the planner restart", () -> planner.hellos.size() > hellos);
        int heartbeats = planner.heartbeats.size();
        await("heartbeats on the new stream", () -> planner.heartbeats.size() > heartbeats);
        assertEquals(pid, worker.node().supervisor().runner(MODEL).orElseThrow().pid(),
                "the unchanged plan keeps the runner");
    }

    private void awaitReady() {
        await("the model ready in a heartbeat", () -> planner.heartbeats.stream().anyMatch(h -> h.getLoadedList()
                .stream().anyMatch(m -> m.getModelId().equals(MODEL) && m.getState() == LoadState.LOAD_STATE_READY
                        && m.getSlotsTotal() == TestPlannerResource.SLOTS && m.getLoadReport().getBuffersCount() > 0)));
    }

    private static JobRequest job(String name, List<ChatMessage> messages) {
        return JobRequest.newBuilder()
                .setJobId(UUID.randomUUID() + "-" + name.replace(' ', '-'))
                .setModel(MODEL)
                .addMessages(message("system", "You are the rigpool test model."))
                .addAllMessages(messages)
                .setMaxTokens(16)
                .setTemperature(0.7f)
                .setHasSeed(true)
                .setSeed(42)
                .setSubmittedAtMs(System.currentTimeMillis())
                .build();
    }

    private static ChatMessage message(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }

    private void publish(Iterable<JobRequest> jobs) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (JobRequest job : jobs) {
                producer.send(new ProducerRecord<>(Topics.jobs(MODEL), job.getJobId(), job.toByteArray()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** All updates of the given jobs in the order Kafka holds them, once each job has a terminal one. */
    private Map<String, List<JobUpdate>> awaitTerminalUpdates(java.util.Set<String> jobIds) throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "worker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<JobUpdate>> updates = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.RESULTS));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!allTerminal(updates, jobIds)) {
                assertTrue(System.nanoTime() < deadline, () -> "results so far: " + updates);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (jobIds.contains(record.key())) {
                        updates.computeIfAbsent(record.key(), k -> new ArrayList<>())
                                .add(JobUpdate.parseFrom(record.value()));
                    }
                }
            }
        }
        return updates;
    }

    private static boolean allTerminal(Map<String, List<JobUpdate>> updates, java.util.Set<String> jobIds) {
        return jobIds.stream().allMatch(id -> updates.getOrDefault(id, List.of()).stream()
                .anyMatch(u -> u.getState() != JobState.JOB_STATE_RUNNING));
    }

    private void awaitCommittedToEnd(String topic, String group) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
            await("committed offsets of " + group + " at the end of " + topic, () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                            || (committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset() == e.getValue()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " within " + DEADLINE);
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
