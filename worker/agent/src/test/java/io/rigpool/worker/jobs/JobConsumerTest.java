package io.rigpool.worker.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.infra.SharedInfrastructure;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.GenerationOptions;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.worker.runner.RunnerCommand;
import io.rigpool.worker.runner.RunnerLauncher;
import io.rigpool.worker.runner.RunnerProcess;
import io.rigpool.worker.runner.RunnerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job consumer's promises on the real Kafka (share groups) and a real runner with two slots: a job that runs
 * longer than its record's lock keeps it (renewed) and runs once, a short job beside it is not held up; a job still
 * running when a drain runs out of time is released (no result) and done by the next consumer of the group; a job
 * delivered too often without a result is reported failed instead of run; a record that is no job is rejected.
 */
class JobConsumerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int SLOT_CONTEXT = 4096;
    /** The lock of the test's share group: short, so that a job of a few seconds outlives it. */
    private static final Duration LOCK = Duration.ofSeconds(2);
    private static final JobQueueSettings QUEUE = new JobQueueSettings(Optional.of(LOCK));
    /**
     * Above 2: a consumer that closes while its fetch waits on the broker can have a record acquired for it that
     * it never sees, which counts as a delivery too.
     */
    private static final int MAX_DELIVERIES = 3;

    @TempDir
    static Path temp;

    private static String bootstrap;
    private static RunnerProcess runner;
    private static ResultPublisher publisher;
    private static ScheduledExecutorService timer;
    private static final Map<String, List<JobUpdate>> updates = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        bootstrap = SharedInfrastructure.get().kafkaBootstrapServers();
        Path model = TinyChatModel.write(temp.resolve("tiny.gguf"), TinyChatModel.Spec.standard());
        Path jar = Path.of(System.getProperty("rigpool.worker.runner.jar"));
        RunnerLauncher launcher = new RunnerLauncher(new RunnerCommand(ProcessHandle.current().info().command()
                .orElseThrow(), List.of("-Xmx128m"), jar, Optional.empty(), 2), temp.resolve("runners"),
                Duration.ofMinutes(2));
        runner = launcher.start(new RunnerSpec("consumer-test-" + UUID.randomUUID().toString().substring(0, 8),
                model, 0, 2 * SLOT_CONTEXT, 2));
        publisher = new ResultPublisher(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), "consumer-test");
        timer = Executors.newSingleThreadScheduledExecutor();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // As the consumers do before they join, so that a test's own share consumer starts at the beginning too.
            QUEUE.apply(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    JobConsumer.groupId(runner.spec().modelId()));
            try {
                admin.createTopics(List.of(new NewTopic(Topics.RESULTS, Optional.empty(), Optional.empty()))).all()
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Another test made it already.
            }
        }
        KafkaConsumer<String, byte[]> results = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        await().atMost(DEADLINE).until(() -> {
            results.partitionsFor(Topics.RESULTS).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                    p.partition())));
            return !partitions.isEmpty();
        });
        results.assign(partitions);
        results.seekToEnd(partitions);
        // Resolved now, so that nothing published from here on is missed; the reader thread owns it from here.
        partitions.forEach(results::position);
        Thread reader = new Thread(() -> readResults(results), "consumer-test-results");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.stop(Duration.ofSeconds(10));
        }
        if (publisher != null) {
            publisher.close();
        }
        timer.shutdownNow();
    }

    @Test
    void aJobOutlivingItsLockKeepsItAndRunsOnceWhileAShortOneBesideItEnds() throws Exception {
        JobConsumers consumers = consumers(Duration.ofSeconds(30));
        consumers.started(runner);
        try {
            JobRequest longJob = job("long", 3500);
            JobRequest shortJob = job("short", 8);
            publish(longJob);
            publish(shortJob);

            await().atMost(DEADLINE).until(() -> terminal(shortJob.getJobId()) != null);
            await().atMost(DEADLINE).until(() -> terminal(longJob.getJobId()) != null);
            JobUpdate done = terminal(longJob.getJobId());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done::toString);
            assertTrue(done.getTimings().getDecodeMs() > 2 * LOCK.toMillis(), "the job outlived its lock: "
                    + done.getTimings());
            assertEquals(1, runs(longJob.getJobId()), "ran once: its lock was renewed, never delivered again");
            await().atMost(DEADLINE).until(() -> backlog() == 0);
        } finally {
            consumers.drainAll(Duration.ofSeconds(30));
        }
    }

    @Test
    void aJobStillRunningWhenTheDrainRunsOutIsHandedBackAndDoneByTheNextConsumer() throws Exception {
        JobConsumers first = consumers(Duration.ofMillis(300));
        first.started(runner);
        JobRequest job = job("handed back", 3500);
        publish(job);
        await().atMost(DEADLINE).until(() -> !updates.getOrDefault(job.getJobId(), List.of()).isEmpty());

        first.drainAll(Duration.ofMillis(300));

        assertEquals(null, terminal(job.getJobId()), "no result for a job handed back");
        assertTrue(backlog() >= 1, "not acknowledged");
        JobConsumers next = consumers(Duration.ofSeconds(30));
        next.started(runner);
        try {
            await().atMost(DEADLINE).until(() -> terminal(job.getJobId()) != null);
            assertEquals(JobState.JOB_STATE_SUCCEEDED, terminal(job.getJobId()).getState());
            assertEquals(3500, terminal(job.getJobId()).getUsage().getCompletionTokens());
            assertEquals(2, runs(job.getJobId()), "ran twice");
            await().atMost(DEADLINE).until(() -> backlog() == 0);
        } finally {
            next.drainAll(Duration.ofSeconds(30));
        }
    }

    @Test
    void aJobDeliveredMoreOftenThanAllowedWithoutAResultIsReportedFailedNotRun() throws Exception {
        JobRequest job = job("poison", 8);
        publish(job);
        // Each delivery that ends without a result (here: released at once) counts, as a runner crash would.
        try (KafkaShareConsumer<String, byte[]> crashing = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, JobConsumer.groupId(runner.spec().modelId()),
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            crashing.subscribe(List.of(topic()));
            int deliveries = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (deliveries < MAX_DELIVERIES && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : crashing.poll(Duration.ofMillis(200))) {
                    crashing.acknowledge(r, AcknowledgeType.RELEASE);
                    if (r.key().equals(job.getJobId())) {
                        deliveries = r.deliveryCount().orElseThrow();
                    }
                }
                crashing.commitSync();
            }
            assertEquals(MAX_DELIVERIES, deliveries);
        }
        JobConsumers consumers = consumers(Duration.ofSeconds(30));
        consumers.started(runner);
        try {
            await().atMost(DEADLINE).until(() -> terminal(job.getJobId()) != null);
            JobUpdate failed = terminal(job.getJobId());
            assertEquals(JobState.JOB_STATE_FAILED, failed.getState(), failed::toString);
            assertTrue(failed.getError().matches("the job was handed back \\d+ times without a result.*"),
                    failed.getError());
            assertEquals(0, runs(job.getJobId()), "not run again");
            await().atMost(DEADLINE).until(() -> backlog() == 0);
        } finally {
            consumers.drainAll(Duration.ofSeconds(30));
        }
    }

    @Test
    void aRecordThatIsNoJobIsReportedFailedAndRejected() throws Exception {
        String jobId = UUID.randomUUID() + "-garbage";
        publish(jobId, new byte[] {(byte) 0xff, 0x01, 0x02});
        JobConsumers consumers = consumers(Duration.ofSeconds(30));
        consumers.started(runner);
        try {
            await().atMost(DEADLINE).until(() -> terminal(jobId) != null);
            assertEquals(JobState.JOB_STATE_FAILED, terminal(jobId).getState());
            assertTrue(terminal(jobId).getError().startsWith("not a valid JobRequest"), terminal(jobId)::toString);
            await().atMost(DEADLINE).until(() -> backlog() == 0);
        } finally {
            consumers.drainAll(Duration.ofSeconds(30));
        }
    }

    @Test
    void aJobsOptionsReachTheRunnerAndItsSchemaHoldsTheAnswer() throws Exception {
        JobConsumers consumers = consumers(Duration.ofSeconds(30));
        consumers.started(runner);
        try {
            JobRequest job = job("json", 512).toBuilder().setOptions(GenerationOptions.newBuilder()
                    .setJsonSchema("""
                            {"type": "object", "properties": {"ok": {"type": "boolean"},
                             "n": {"type": "integer", "minimum": 0, "maximum": 9}}, "required": ["ok", "n"]}""")
                    .setPresencePenalty(0.5f)).build();
            publish(job);

            await().atMost(DEADLINE).until(() -> terminal(job.getJobId()) != null);
            JobUpdate done = terminal(job.getJobId());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.getError());
            assertEquals("stop", done.getFinishReason(), "the grammar ended the answer, not max_tokens");
            JsonNode answer = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(done.getText());
            assertEquals(List.of("ok", "n"), iterableToList(answer.fieldNames()), done.getText());
            assertTrue(answer.get("ok").isBoolean(), done.getText());
            assertTrue(answer.get("n").isInt() && answer.get("n").intValue() >= 0 && answer.get("n").intValue() <= 9,
                    done.getText());
        } finally {
            consumers.drainAll(Duration.ofSeconds(30));
        }
    }

    private static List<String> iterableToList(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static JobConsumers consumers(Duration drainTimeout) {
        JobExecution execution = new JobExecution(new JobExecution.Reporting("test-node", publisher,
                Duration.ofSeconds(30), Duration.ofMillis(40), Duration.ofMillis(50),
                (d, t) -> timer.schedule(t, d.toMillis(), TimeUnit.MILLISECONDS)), Duration.ofMinutes(5),
                new RunningJobs(Duration.ofMinutes(1), Clock.systemUTC()), Clock.systemUTC());
        return new JobConsumers(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), "test-node", execution,
                Duration.ofMillis(200), new PoisonLimits(3, MAX_DELIVERIES), QUEUE, drainTimeout, new JobConsumers.RunnerEvents() {
                    @Override
                    public void loaded(String modelId, RunnerLoadReport report) {
                    }

                    @Override
                    public void crashed(String modelId, RunnerCrash crash) {
                    }
                });
    }

    private static String topic() {
        return Topics.jobs(runner.spec().modelId());
    }

    private static JobRequest job(String name, int maxTokens) {
        return JobRequest.newBuilder().setJobId(UUID.randomUUID() + "-" + name.replace(' ', '-'))
                .setModel(runner.spec().modelId())
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Tell me about the rig"))
                .setMaxTokens(maxTokens).setTemperature(0.7f).setHasSeed(true).setSeed(7).build();
    }

    /** Publishes to one of the topic's partitions, as the gateway does (keyed by job id). */
    private static void publish(JobRequest job) throws Exception {
        publish(job.getJobId(), job.toByteArray());
    }

    private static void publish(String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ProducerSettings.noLoss(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic(), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Jobs of the topic the share group has not acknowledged yet. */
    private static long backlog() throws Exception {
        return JobQueueBacklog.unacknowledged(bootstrap, runner.spec().modelId(), topic());
    }

    /** How many times the job started on a runner. */
    private static long runs(String jobId) {
        return updates.getOrDefault(jobId, List.of()).stream().filter(u -> u.getState() == JobState.JOB_STATE_RUNNING)
                .count();
    }

    private static JobUpdate terminal(String jobId) {
        return updates.getOrDefault(jobId, List.of()).stream().filter(u -> u.getState() != JobState.JOB_STATE_RUNNING)
                .findFirst().orElse(null);
    }

    private static void readResults(KafkaConsumer<String, byte[]> consumer) {
        try (consumer) {
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    updates.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
                            .add(JobUpdate.parseFrom(r.value()));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
