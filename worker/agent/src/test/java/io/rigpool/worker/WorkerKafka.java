package io.rigpool.worker;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.infra.SharedInfrastructure;
import io.rigpool.proto.v1.ChatMessage;
import io.rigpool.proto.v1.JobControl;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import io.rigpool.worker.jobs.JobQueueBacklog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real Kafka as the worker's tests see it, from outside the worker: publishes jobs and cancels as the gateway
 * would, and records every job update and token chunk (one reader for the whole test run, from the beginning of
 * both topics).
 */
final class WorkerKafka {

    static final String MODEL = "rigpool-tiny";
    static final Duration DEADLINE = Duration.ofSeconds(90);

    private static WorkerKafka shared;

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, List<JobUpdate>> updates = new ConcurrentHashMap<>();
    private final Map<String, List<TokenChunk>> tokens = new ConcurrentHashMap<>();
    /** The trace id header of every record of a job on both topics, in the order read ("" for none). */
    private final Map<String, List<String>> traces = new ConcurrentHashMap<>();

    private WorkerKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(ProducerSettings.noLoss(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers)), new StringSerializer(), new ByteArraySerializer());
        Thread reader = new Thread(this::record, "test-kafka-recorder");
        reader.setDaemon(true);
        reader.start();
    }

    /** The client of the broker the tests share, which RigpoolInfrastructureResource gives the worker too. */
    static WorkerKafka shared() {
        return of(SharedInfrastructure.get().kafkaBootstrapServers());
    }

    static synchronized WorkerKafka of(String bootstrapServers) {
        if (shared == null) {
            shared = new WorkerKafka(bootstrapServers);
        }
        return shared;
    }

    /** A job whose tokens are streamed, as they are for a streaming client. */
    static JobRequest job(String name, int maxTokens, String userMessage) {
        return JobRequest.newBuilder()
                .setStream(true)
                .setJobId(UUID.randomUUID() + "-" + name.replace(' ', '-'))
                .setModel(MODEL)
                .addMessages(message("system", "You are the rigpool test model."))
                .addMessages(message("user", userMessage))
                .setMaxTokens(maxTokens)
                .setTemperature(0.7f)
                .setHasSeed(true)
                .setSeed(42)
                .setSubmittedAtMs(System.currentTimeMillis())
                .build();
    }

    static ChatMessage message(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }

    void publish(Collection<JobRequest> jobs) throws Exception {
        for (JobRequest job : jobs) {
            producer.send(new ProducerRecord<>(Topics.jobs(MODEL), job.getJobId(), job.toByteArray()))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Publishes a job the way the gateway does, with its trace id in a Kafka header. */
    void publish(JobRequest job, String traceId) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.jobs(MODEL), job.getJobId(),
                job.toByteArray());
        record.headers().add(TraceIds.KAFKA_HEADER, TraceIds.toHeader(traceId));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /** The trace id headers of the job's updates and token chunks read so far. */
    List<String> traces(String jobId) {
        return List.copyOf(traces.getOrDefault(jobId, List.of()));
    }

    void cancel(String jobId) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CONTROL, jobId, JobControl.newBuilder().setJobId(jobId)
                .setCancel(true).build().toByteArray())).get(30, TimeUnit.SECONDS);
    }

    List<JobUpdate> updates(String jobId) {
        return List.copyOf(updates.getOrDefault(jobId, List.of()));
    }

    List<TokenChunk> tokens(String jobId) {
        return List.copyOf(tokens.getOrDefault(jobId, List.of()));
    }

    Optional<JobUpdate> terminal(String jobId) {
        return updates(jobId).stream().filter(u -> u.getState() != JobState.JOB_STATE_RUNNING).findFirst();
    }

    boolean running(String jobId) {
        return updates(jobId).stream().anyMatch(u -> u.getState() == JobState.JOB_STATE_RUNNING);
    }

    /** The first terminal update of each job, once every one has one. */
    Map<String, JobUpdate> awaitTerminal(Collection<String> jobIds) {
        await().atMost(DEADLINE).until(() -> jobIds.stream().allMatch(id -> terminal(id).isPresent()));
        Map<String, JobUpdate> out = new HashMap<>();
        jobIds.forEach(id -> out.put(id, terminal(id).orElseThrow()));
        return out;
    }

    JobUpdate awaitTerminal(String jobId) {
        return awaitTerminal(List.of(jobId)).get(jobId);
    }

    /** Waits until the model's share group has acknowledged every job of its topic. */
    void awaitAcknowledgedToEnd(String modelId) {
        await().atMost(DEADLINE).until(() -> JobQueueBacklog.unacknowledged(bootstrapServers, modelId,
                Topics.jobs(modelId)) == 0);
    }

    private void record() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.RESULTS, Optional.empty(), Optional.empty()),
                        new NewTopic(Topics.TOKENS, Optional.empty(), Optional.empty()))).all()
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Already there.
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.RESULTS, Topics.TOKENS)) {
                partitions.addAll(partitionsOf(consumer, topic));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    keep(r);
                }
            }
        }
    }

    /** A topic just created shows its partitions a moment later. */
    static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        await().atMost(DEADLINE).until(() -> {
            consumer.partitionsFor(topic).forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            return !out.isEmpty();
        });
        return out;
    }

    private void keep(ConsumerRecord<String, byte[]> r) {
        var trace = r.headers().lastHeader(TraceIds.KAFKA_HEADER);
        traces.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
                .add(trace == null ? "" : new String(trace.value(), java.nio.charset.StandardCharsets.UTF_8));
        try {
            if (r.topic().equals(Topics.RESULTS)) {
                updates.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(JobUpdate.parseFrom(r.value()));
            } else {
                tokens.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(TokenChunk.parseFrom(r.value()));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
