package io.rigpool.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedInfrastructureTest {

    @TempDir
    Path dir;

    @Test
    void serversWorkAndKeepTheirDataAcrossARestart() throws Exception {
        try (EmbeddedInfrastructure infra = new EmbeddedInfrastructure(dir, 0, 0, 2).start()) {
            sql(infra, "CREATE TABLE kept (v text)");
            sql(infra, "INSERT INTO kept VALUES ('before')");
            produce(infra, "restart-test", "before");

            infra.stopPostgres();
            infra.startPostgres();
            infra.stopKafka();
            infra.startKafka();

            produce(infra, "restart-test", "after");
            assertEquals(List.of("before", "after"), consume(infra, "restart-test", 2));
            try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                    infra.databasePassword()); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("before", rs.getString(1));
            }
        }
    }

    private static void sql(Infrastructure infra, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.databaseUser(),
                infra.databasePassword()); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static void produce(Infrastructure infra, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", infra.kafkaBootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static List<String> consume(Infrastructure infra, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", infra.kafkaBootstrapServers(), "group.id", "t", "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // In this thread: a consumer is not to be used from two.
            await(expected + " records on " + topic).atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            values.add(r.value());
                        }
                        assertTrue(values.size() >= expected, () -> "so far: " + values);
                    });
        }
        return values;
    }
}
