package io.rigpool.gateway.batching;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batching loop on its own, with the handler played by the test. */
class BatcherTest {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    @Test
    void aLoneItemGoesThroughAtOnceAndAlone() {
        try (Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 100, 1000, batches::add).start()) {
            for (int i = 0; i < 3; i++) {
                int item = i;
                assertTrue(batcher.offer(item));
                // Well under a second: nothing waits for company.
                await().atMost(Duration.ofMillis(900)).until(() -> batches.size() == item + 1);
            }
            assertEquals(List.of(List.of(0), List.of(1), List.of(2)), batches);
        }
    }

    @Test
    void itemsOfferedDuringABatchMakeUpTheNextOnesInOrderAndNoBiggerThanTheMaximum() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 10, 1000, batch -> {
            batches.add(batch);
            if (batches.size() == 1) {
                firstStarted.countDown();
                waitFor(releaseFirst);
            }
        }).start()) {
            assertTrue(batcher.offer(0));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 25; i++) {
                assertTrue(batcher.offer(i));
            }
            releaseFirst.countDown();

            await().atMost(DEADLINE).until(() -> flattened().size() == 26);
            assertEquals(List.of(1, 10, 10, 5), batches.stream().map(List::size).toList());
            assertEquals(IntStream.rangeClosed(0, 25).boxed().toList(), flattened());
        }
    }

    @Test
    void aGatheringBatcherWaitsForCompanyAndClosingEndsTheWait() {
        // Longer than any test runs: the batch is handled because closing cuts the gathering short.
        Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 100, 1000, Duration.ofHours(1), batches::add)
                .start();
        for (int i = 0; i < 5; i++) {
            assertTrue(batcher.offer(i));
        }

        List<Integer> left = batcher.close(DEADLINE);

        assertEquals(List.of(), left);
        assertEquals(List.of(List.of(0, 1, 2, 3, 4)), batches);
    }

    @Test
    void aFullQueueRefusesAtOnceAndTakesItemsAgainOnceDrained() {
        Batcher<Integer> batcher = new Batcher<>("test-batcher", 10, 2, batches::add);
        // Not started: nothing drains the queue.
        assertTrue(batcher.offer(1));
        assertTrue(batcher.offer(2));
        assertFalse(batcher.offer(3), "refused, not blocked");

        batcher.start();
        await().atMost(DEADLINE).until(() -> flattened().size() == 2);
        assertTrue(batcher.offer(4));
        batcher.close(DEADLINE);
        assertEquals(List.of(1, 2, 4), flattened());
    }

    @Test
    void closingHandlesEverythingQueuedThenRefuses() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 3, 1000, batch -> {
            batches.add(batch);
            if (batches.size() == 1) {
                // Holds the loop until close is called, so the other items are still queued then.
                firstStarted.countDown();
                waitFor(closing);
            }
        }).start();
        assertTrue(batcher.offer(0));
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
        for (int i = 1; i < 20; i++) {
            assertTrue(batcher.offer(i));
        }

        closing.countDown();
        List<Integer> left = batcher.close(DEADLINE);

        assertEquals(List.of(), left);
        assertEquals(IntStream.range(0, 20).boxed().toList(), flattened());
        assertFalse(batcher.offer(20), "closed");
        assertFalse(batcher.alive());
    }

    @Test
    void closingHandsBackWhatItCouldNotHandleInTime() {
        CountDownLatch release = new CountDownLatch(1);
        Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 1, 1000, batch -> {
            batches.add(batch);
            waitFor(release);
        }).start();
        batcher.offer(0);
        await().atMost(DEADLINE).until(() -> batches.size() == 1);
        batcher.offer(1);
        batcher.offer(2);

        List<Integer> left = batcher.close(Duration.ofMillis(200));
        release.countDown();

        assertEquals(List.of(1, 2), left);
        assertEquals(List.of(List.of(0)), batches);
    }

    @Test
    void aFailedBatchDoesNotStopLaterOnes() {
        List<List<Integer>> attempted = new CopyOnWriteArrayList<>();
        try (Batcher<Integer> batcher = new Batcher<Integer>("test-batcher", 10, 1000, batch -> {
            attempted.add(batch);
            if (batch.contains(0)) {
                throw new IllegalStateException("database away");
            }
            batches.add(batch);
        }).start()) {
            batcher.offer(0);
            await().atMost(DEADLINE).until(() -> attempted.size() == 1);
            batcher.offer(1);
            await().atMost(DEADLINE).until(() -> flattened().contains(1));
            assertTrue(batcher.alive());
            assertEquals(List.of(List.of(1)), batches);
        }
    }

    private List<Integer> flattened() {
        List<Integer> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
