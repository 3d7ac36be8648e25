package io.rigpool.bench.security;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.Timings;
import io.rigpool.proto.v1.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What anyone who can write {@code rigpool.results} could send: JobUpdates with every field random or at its
 * limits (states, ids that are not UUIDs, strings with control characters and lone surrogates, negative usage,
 * times outside any clock, NaN and infinite timings), and bytes that are not a JobUpdate at all. Seeded.
 */
final class ResultRecordFuzz {

    private static final List<String> STRINGS = List.of("", "\u0000", "a\u0000b", "\ud800", "\uffff", "x".repeat(70_000),
            "'; DROP TABLE gateway.jobs; --", "\u202e", "ok");
    private static final List<Double> DOUBLES = List.of(Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, -1.0, 0.0, Double.MAX_VALUE, 1e-300);
    private static final List<Long> TIMES = List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE, 253_402_300_800_000L);

    private ResultRecordFuzz() {
    }

    static Map<String, Object> run(Map<String, Object> producerSettings, String model, int records, long seed)
            throws Exception {
        Random random = new Random(seed);
        int updates = 0;
        int garbage = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                byte[] value;
                String key;
                if (random.nextInt(10) == 0) {
                    value = new byte[random.nextInt(300)];
                    random.nextBytes(value);
                    key = "garbage-" + i;
                    garbage++;
                } else {
                    JobUpdate update = update(random, model);
                    value = update.toByteArray();
                    key = update.getJobId();
                    updates++;
                }
                producer.send(new ProducerRecord<>(Topics.RESULTS, key, value));
            }
            producer.flush();
            producer.send(new ProducerRecord<>(Topics.RESULTS, "end", new byte[0])).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("records", records);
        row.put("seed", seed);
        row.put("job_updates", updates);
        row.put("not_a_job_update", garbage);
        return row;
    }

    private static JobUpdate update(Random random, String model) {
        JobState[] states = JobState.values();
        JobUpdate.Builder b = JobUpdate.newBuilder()
                .setJobId(random.nextInt(8) == 0 ? pick(random, STRINGS) : UUID.randomUUID().toString())
                .setState(states[random.nextInt(states.length - 1)])
                .setModel(random.nextBoolean() ? model : pick(random, STRINGS))
                .setNodeId(pick(random, STRINGS))
                .setText(pick(random, STRINGS))
                .setError(pick(random, STRINGS))
                .setFinishReason(pick(random, STRINGS))
                .setAtMs(random.nextBoolean() ? pick(random, TIMES) : random.nextLong());
        if (random.nextBoolean()) {
            b.setUsage(Usage.newBuilder().setPromptTokens(random.nextInt()).setCompletionTokens(random.nextInt()));
        }
        if (random.nextBoolean()) {
            b.setTimings(Timings.newBuilder().setDecodeTps(pick(random, DOUBLES)).setDecodeMs(pick(random, DOUBLES))
                    .setPromptEvalMs(pick(random, DOUBLES)).setQueueWaitMs(random.nextLong())
                    .setLoadMs(random.nextLong()));
        }
        return b.build();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
