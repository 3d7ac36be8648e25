package io.rigpool.gateway.jobs.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.gateway.testing.TestKafka;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The results' group member on the real broker, on a topic and group of its own, with the test playing the event
 * follower: it offers the member its copy of what it chooses, drops some, and says when it lost its place. (In a
 * Quarkus test because the reader's retries are SmallRye Fault Tolerance's, which needs its runtime.)
 */
@RigpoolQuarkusTest
class ResultsGroupMemberTest {

    private final String topic = "test.results." + UUID.randomUUID();
    private final List<ConsumerRecord<String, byte[]>> stored = new CopyOnWriteArrayList<>();
    private ResultsGroupMember member;

    @BeforeEach
    void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty()))).all().get();
        }
    }

    @AfterEach
    void closeMember() {
        if (member != null) {
            member.close();
        }
    }

    @Test
    void storesEveryRecordOnceInOrderFromTheFollowersCopyOnceLevelAndFetchesWhatItMissed() {
        List<ConsumerRecord<String, byte[]>> before = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            before.add(produce(i % 2, "before-" + i));
        }
        member = new ResultsGroupMember(Map.of("bootstrap.servers", TestKafka.bootstrapServers()), "test-member",
                topic, "test-group-" + UUID.randomUUID(), stored::addAll);
        member.start();
        await("the records from before the member joined, fetched by itself").atMost(TestKafka.DEADLINE)
                .until(() -> stored.size() == 6);
        assertEquals(6, member.takenFromOwnFetch());

        // The follower's copy of the last record of each partition shows it level: the member stops fetching.
        member.offer(before.get(4));
        member.offer(before.get(5));
        await("the member follows the follower").atMost(TestKafka.DEADLINE)
                .until(() -> member.fetchedPartitions() == 0);

        ConsumerRecord<String, byte[]> followed = produce(0, "followed");
        member.offer(copyOf(followed, "the follower's copy"));
        await("the follower's copy stored").atMost(TestKafka.DEADLINE).until(() -> stored.size() == 7);
        assertEquals("the follower's copy", text(stored.get(6)), "not fetched a second time");
        assertEquals(6, member.takenFromOwnFetch());

        // A record the follower's copy lacks shows as a gap at the next one; the member fetches from the gap.
        ConsumerRecord<String, byte[]> dropped = produce(0, "dropped");
        ConsumerRecord<String, byte[]> afterGap = produce(0, "after the gap");
        member.offer(afterGap);
        await("the dropped record fetched").atMost(TestKafka.DEADLINE).until(() -> stored.size() == 9);

        // A follower that lost its place (it started again at the end) may have missed the last record of a
        // partition, with no later one to show it.
        ConsumerRecord<String, byte[]> missed = produce(1, "missed by a restarted follower");
        member.lostPlace();
        await("the missed record fetched").atMost(TestKafka.DEADLINE).until(() -> stored.size() == 10);

        for (int partition = 0; partition < 2; partition++) {
            int p = partition;
            List<Long> offsets = stored.stream().filter(r -> r.partition() == p).map(ConsumerRecord::offset).toList();
            assertEquals(LongStream.range(0, offsets.size()).boxed().toList(), offsets,
                    "partition " + p + ": every offset once, in order");
        }
        assertEquals(List.of(dropped.offset(), afterGap.offset()), stored.stream().skip(7).limit(2)
                .map(ConsumerRecord::offset).toList());
        assertEquals(missed.offset(), stored.get(9).offset());
    }

    private ConsumerRecord<String, byte[]> produce(int partition, String text) {
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent = TestKafka.send(topic, partition, text, value);
        return new ConsumerRecord<>(topic, partition, sent.offset(), text, value);
    }

    private static ConsumerRecord<String, byte[]> copyOf(ConsumerRecord<String, byte[]> record, String text) {
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(),
                text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
