package io.rigpool.gateway.jobs.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PublishedMarkerTest {

    @Test
    void everyAcknowledgedJobIsMarkedByTheTimeItCloses() {
        Set<UUID> marked = ConcurrentHashMap.newKeySet();
        PublishedMarker marker = new PublishedMarker(batch -> marked.addAll(batch.keySet()));
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());

        ids.forEach(marker::acknowledged);
        marker.close(Duration.ofSeconds(30));

        assertEquals(Set.copyOf(ids), marked);
    }

    @Test
    void aFailedWriteDoesNotStopLaterOnes() {
        Set<UUID> marked = ConcurrentHashMap.newKeySet();
        AtomicBoolean failNext = new AtomicBoolean(true);
        PublishedMarker marker = new PublishedMarker(batch -> {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("database away");
            }
            marked.addAll(batch.keySet());
        });
        UUID lost = UUID.randomUUID();
        UUID later = UUID.randomUUID();

        marker.acknowledged(lost);
        await().atMost(Duration.ofSeconds(30)).until(() -> !failNext.get());
        marker.acknowledged(later);
        marker.close(Duration.ofSeconds(30));

        assertEquals(Set.of(later), marked);
    }

    @Test
    void aFullQueueLeavesTheJobUnmarkedForTheSweeperInsteadOfBlockingKafka() throws Exception {
        Set<UUID> marked = ConcurrentHashMap.newKeySet();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PublishedMarker marker = new PublishedMarker(batch -> {
            writing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            marked.addAll(batch.keySet());
        }, 1, Duration.ZERO, Instant::now);
        UUID first = UUID.randomUUID();
        UUID queued = UUID.randomUUID();
        UUID refused = UUID.randomUUID();

        marker.acknowledged(first);
        writing.await(30, TimeUnit.SECONDS);
        marker.acknowledged(queued);
        marker.acknowledged(refused);
        release.countDown();
        marker.close(Duration.ofSeconds(30));

        assertEquals(Set.of(first, queued), marked);
    }

    /** Marks wait for company; each keeps the moment its job was acknowledged, and closing writes them at once. */
    @Test
    void marksAreGatheredIntoOneWriteEachWithItsOwnMoment() {
        List<Map<UUID, Instant>> writes = new CopyOnWriteArrayList<>();
        Instant start = Instant.parse("2026-12-07T10:00:00Z");
        List<Instant> moments = List.of(start, start.plusMillis(1), start.plusMillis(2));
        // Longer than any test runs: only closing ends this gathering.
        PublishedMarker marker = new PublishedMarker(writes::add, 1000, Duration.ofHours(1),
                moments.iterator()::next);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());

        ids.forEach(marker::acknowledged);
        marker.close(Duration.ofSeconds(30));

        assertEquals(1, writes.size(), "one write for the three");
        assertEquals(List.copyOf(ids), List.copyOf(writes.get(0).keySet()));
        assertEquals(moments, List.copyOf(writes.get(0).values()));
    }
}
