package io.rigpool.bench.gateway;

import io.rigpool.common.topics.ProducerSettings;
import io.rigpool.infra.Infrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The least a pipeline built of these parts can add on this machine, from the parts alone, one at a time, on the
 * stack's own broker, database and gateway: one Kafka hop (a record sent with the producers' settings until a
 * polling consumer has it), one PostgreSQL insert and commit, one HTTP round trip to the gateway. A synchronous
 * chat completion needs at least one of each and two Kafka hops (the job to the worker, its result back), besides
 * the runner's own gRPC hop, which this leaves out: their sum is the floor under the added latency.
 */
final class HopFloor {

    private static final String TOPIC = "rigpool.bench.hop";
    private static final Duration POLL = Duration.ofMillis(200);
    /** Between samples, so that each one starts from threads that are idle, as a lone job's do. */
    private static final long PAUSE_MS = 5;

    record Figures(double[] kafkaHopMs, double[] databaseCommitMs, double[] httpRoundTripMs) {
    }

    private HopFloor() {
    }

    static Figures measure(Infrastructure infrastructure, String gatewayUrl, int samples) throws Exception {
        return new Figures(kafkaHops(infrastructure, samples), commits(infrastructure, samples),
                httpRoundTrips(gatewayUrl, samples));
    }

    private static double[] kafkaHops(Infrastructure infrastructure, int samples) throws Exception {
        Map<String, Object> connection = new HashMap<>(infrastructure.kafkaAdminSettings());
        connection.put("bootstrap.servers", infrastructure.kafkaBootstrapServers());
        try (Admin admin = Admin.create(connection)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> producerSettings = ProducerSettings.noLoss(connection);
        producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerSettings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerSettings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Map<String, Object> consumerSettings = new HashMap<>(connection);
        consumerSettings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerSettings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        double[] hops = new double[samples];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings)) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            // The first send fetches metadata: not a hop.
            hop(producer, consumer);
            for (int i = 0; i < samples; i++) {
                Thread.sleep(PAUSE_MS);
                hops[i] = hop(producer, consumer);
            }
        }
        return hops;
    }

    /** Sends one record and polls until it is read; returns the milliseconds that took. */
    private static double hop(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer) {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(TOPIC, new byte[64]));
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (consumer.poll(POLL).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a record sent to " + TOPIC + " never arrived");
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double[] commits(Infrastructure infrastructure, int samples) throws SQLException,
            InterruptedException {
        double[] commits = new double[samples];
        try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(),
                infrastructure.databaseUser(), infrastructure.databasePassword())) {
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE TEMPORARY TABLE bench_hop (id uuid PRIMARY KEY, body text)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_hop VALUES (?, ?)")) {
                for (int i = 0; i < samples; i++) {
                    Thread.sleep(PAUSE_MS);
                    long start = System.nanoTime();
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "a one-line chat");
                    insert.executeUpdate();
                    connection.commit();
                    commits[i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return commits;
    }

    private static double[] httpRoundTrips(String gatewayUrl, int samples) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/models"))
                .timeout(Duration.ofSeconds(30)).build();
        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double[] trips = new double[samples];
        for (int i = 0; i < samples; i++) {
            Thread.sleep(PAUSE_MS);
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            trips[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /v1/models answered " + response.statusCode());
            }
        }
        return trips;
    }
}
