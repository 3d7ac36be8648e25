package io.rigpool.bench.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.common.topics.Topics;
import io.rigpool.infra.EmbeddedKafkaBroker;
import io.rigpool.infra.FreePorts;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * The whole worker path: a real Kafka broker (in this JVM), the packaged worker app as its own process with its
 * runner process below it, told by a loopback planner to load the benchmark model. Jobs go to
 * {@code rigpool.jobs.<model>} as the gateway would publish them; a job's time runs from its publication to the
 * arrival of its terminal update on {@code rigpool.results}.
 */
final class WorkerPath implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_DEADLINE = Duration.ofMinutes(20);

    private record Arrival(JobUpdate update, long atNanos) {
    }

    private final EmbeddedKafkaBroker kafka;
    private final BenchPlanner planner;
    private final Process worker;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Arrival> terminals = new ConcurrentHashMap<>();
    private final Thread reader;
    private final String modelId;
    private final Workload workload;
    private volatile boolean closed;

    WorkerPath(Path home, Path modelDir, String modelId, Workload workload, Path workDir) throws Exception {
        this(home, modelDir, modelId, workload, workDir, Optional.empty());
    }

    /** @param llamaServer the binary to run the model with the llama-server engine; empty for java-llama.cpp */
    WorkerPath(Path home, Path modelDir, String modelId, Workload workload, Path workDir, Optional<Path> llamaServer)
            throws Exception {
        this.modelId = modelId;
        this.workload = workload;
        this.kafka = new EmbeddedKafkaBroker(workDir.resolve("kafka"), 0, 8).start();
        createTopics();
        this.planner = new BenchPlanner(modelId, workload, llamaServer.isPresent() ? "llama-server" : "");
        int httpPort = FreePorts.find();
        Path output = workDir.resolve("worker.log");
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx384m", "-XX:+UseSerialGC", ParentProcessWatch.jvmFlag(),
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.port=" + FreePorts.find(),
                "-Drigpool.allow-weak-secrets=true",
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dquarkus.grpc.clients.planner.host=127.0.0.1",
                "-Dquarkus.grpc.clients.planner.port=" + planner.port(),
                "-Drigpool.worker.node-id=bench-worker",
                "-Drigpool.worker.model-dir=" + modelDir,
                "-Drigpool.worker.runner.jar=" + home.resolve("worker/runner/target/rigpool-runner.jar"),
                "-Drigpool.worker.runner.threads=" + workload.threads(),
                "-Drigpool.worker.runner.work-dir=" + workDir.resolve("runners"),
                // A packaged worker keeps its node credential in its working folder otherwise: the checkout.
                "-Drigpool.worker.credential-file=" + workDir.resolve("node-credential"),
                "-Drigpool.worker.runner.start-timeout=10m"));
        llamaServer.ifPresent(binary -> command.add("-Drigpool.worker.llama-server.binary=" + binary));
        command.addAll(List.of("-jar", home.resolve("worker/agent/target/quarkus-app/quarkus-run.jar").toString()));
        this.worker = Processes.start(command, output);
        Map<String, Object> producerSettings = ProducerSettings.noLoss(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new ByteArraySerializer());
        this.reader = new Thread(this::readResults, "bench-results");
        reader.setDaemon(true);
        reader.start();
        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + httpPort + "/api/status");
        Processes.await("worker ready with " + modelId, worker, output, () -> ready(http, status),
                Duration.ofMinutes(10));
    }

    /** Publishes the jobs at once and waits for all their results. */
    List<Measurement> run(List<Integer> jobs) throws Exception {
        List<String> ids = new ArrayList<>();
        List<Long> published = new ArrayList<>();
        for (int job : jobs) {
            String id = UUID.randomUUID().toString();
            JobRequest request = JobRequest.newBuilder()
                    .setJobId(id)
                    .setModel(modelId)
                    .addAllMessages(Workload.messages(job))
                    .setMaxTokens(workload.tokens())
                    .setTemperature(Workload.TEMPERATURE)
                    .setHasSeed(true)
                    .setSeed(job)
                    .setSubmittedAtMs(System.currentTimeMillis())
                    .build();
            published.add(System.nanoTime());
            producer.send(new ProducerRecord<>(Topics.jobs(modelId), id, request.toByteArray()));
            ids.add(id);
        }
        producer.flush();
        long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
        synchronized (terminals) {
            while (!ids.stream().allMatch(terminals::containsKey)) {
                if (System.nanoTime() > deadline || !worker.isAlive()) {
                    throw new IllegalStateException("jobs not finished: " + ids.stream()
                            .filter(id -> !terminals.containsKey(id)).toList());
                }
                terminals.wait(1_000);
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Arrival end = terminals.get(ids.get(i));
            if (end.update().getState() != JobState.JOB_STATE_SUCCEEDED) {
                throw new IllegalStateException("job failed: " + end.update());
            }
            out.add(new Measurement(end.update().getUsage().getCompletionTokens(),
                    (end.atNanos() - published.get(i)) / 1e9, end.update().getTimings().getDecodeTps()));
        }
        return out;
    }

    private boolean ready(HttpClient http, URI status) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode loaded = JSON.readTree(r.body()).path("loaded").path(0);
            return r.statusCode() == 200 && "ready".equals(loaded.path("state").asText());
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.RESULTS, Optional.empty(), Optional.empty()),
                    new NewTopic(Topics.TOKENS, Optional.empty(), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void readResults() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && !closed) {
                // A topic just created shows its partitions a moment later.
                consumer.partitionsFor(Topics.RESULTS).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                        p.partition())));
                TimeUnit.MILLISECONDS.sleep(50);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closed) {
                // A poll returns as soon as a result is there; the timeout only bounds an idle wait.
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JobUpdate update = JobUpdate.parseFrom(r.value());
                    if (update.getState() != JobState.JOB_STATE_RUNNING) {
                        long at = System.nanoTime();
                        synchronized (terminals) {
                            terminals.putIfAbsent(update.getJobId(), new Arrival(update, at));
                            terminals.notifyAll();
                        }
                    }
                }
            }
        } catch (Exception e) {
            if (!closed) {
                System.err.println("reading results failed: " + e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        Processes.end(worker);
        producer.close(Duration.ofSeconds(5));
        reader.join(5_000);
        planner.close();
        kafka.close();
    }
}
