package io.rigpool.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.rigpool.common.topics.Topics;
import io.rigpool.common.trace.TraceIds;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.infra.RigpoolQuarkusTest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job's trace id: taken from the caller's {@code traceparent} or {@code X-Request-Id} (else made from the job id),
 * answered in {@code X-Request-Id}, sent with the job on Kafka, and logged with the result the worker sends back.
 */
@RigpoolQuarkusTest
class JobTraceTest {

    static final String MODEL = "gateway-trace-model";

    @ConfigProperty(name = "quarkus.log.file.path")
    Path log;

    @BeforeEach
    void serveModel() {
        TestModels.serve(MODEL);
    }

    @Test
    void aCallersTraceparentGoesWithTheJobToKafkaAndIsLoggedWithItsResult() throws Exception {
        String traceId = TraceIds.generate();
        ExtractableResponse<Response> accepted = submit(TestApi.user()
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        String id = accepted.path("id");
        assertEquals(traceId, accepted.header("X-Request-Id"));
        assertEquals(traceId, traceHeader(TestKafka.awaitRecord(Topics.jobs(MODEL), id)));

        // The worker copies the header onto its result; the gateway logs the stored result with it.
        ProducerRecord<String, byte[]> result = new ProducerRecord<>(Topics.RESULTS, id, JobUpdate.newBuilder()
                .setJobId(id).setModel(MODEL).setState(JobState.JOB_STATE_SUCCEEDED).setText("Traced.")
                .build().toByteArray());
        result.headers().add(TraceIds.KAFKA_HEADER, TraceIds.toHeader(traceId));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(result).get(30, TimeUnit.SECONDS);
        }
        await().atMost(TestKafka.DEADLINE).until(() -> Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .anyMatch(line -> line.contains(traceId) && line.contains("job " + id + " succeeded")));
        assertTrue(Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .anyMatch(line -> line.contains(traceId) && line.contains("job " + id + " queued")),
                "the submission is logged with the trace id too");
    }

    @Test
    void aRequestIdIsTakenAsTheTraceIdAndAJobWithoutOneGetsItsOwnId() throws Exception {
        ExtractableResponse<Response> withRequestId = submit(TestApi.user().header("X-Request-Id", "order-4711"));
        assertEquals("order-4711", withRequestId.header("X-Request-Id"));
        assertEquals("order-4711", traceHeader(TestKafka.awaitRecord(Topics.jobs(MODEL), withRequestId.path("id"))));

        // An unusable header is ignored rather than carried into logs and Kafka.
        ExtractableResponse<Response> plain = submit(TestApi.user().header("X-Request-Id", "has spaces; and junk"));
        String expected = TraceIds.ofJob(UUID.fromString(plain.path("id")));
        assertEquals(expected, plain.header("X-Request-Id"));
        assertEquals(expected, traceHeader(TestKafka.awaitRecord(Topics.jobs(MODEL), plain.path("id"))));
    }

    private static ExtractableResponse<Response> submit(RequestSpecification request) {
        return request.contentType(ContentType.JSON)
                .body("""
                        {"model": "%s", "messages": [{"role": "user", "content": "Trace me."}], "max_tokens": 4}"""
                        .formatted(MODEL))
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract();
    }

    private static String traceHeader(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(TraceIds.KAFKA_HEADER);
        assertNotNull(header, "the job record has a trace header");
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
