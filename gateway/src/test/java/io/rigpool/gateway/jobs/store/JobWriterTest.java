package io.rigpool.gateway.jobs.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.NewJob;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer's batching and failure handling, with the batch write played by the test. */
class JobWriterTest {

    final List<List<NewJob>> batches = new CopyOnWriteArrayList<>();
    final List<NewJob> handedOn = new CopyOnWriteArrayList<>();

    @Test
    void jobsArrivingDuringAWriteShareTheNextBatchAndAreHandedOnBeforeTheirSubmittersHear() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        try (JobWriter writer = new JobWriter(jobs -> {
            batches.add(jobs);
            if (batches.size() == 1) {
                firstWriteStarted.countDown();
                releaseFirstWrite.await(10, TimeUnit.SECONDS);
            }
            return jobs.stream().<WriteOutcome>map(WriteOutcome.Created::new).toList();
        }, handedOn::addAll, 100, 1000).start()) {
            CompletableFuture<WriteOutcome> first = writer.submit(job());
            assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<WriteOutcome>> waiting = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                NewJob job = job();
                waiting.add(writer.submit(job).thenApply(outcome -> {
                    assertTrue(handedOn.contains(job), "handed on before the submitter hears");
                    return outcome;
                }));
            }
            releaseFirstWrite.countDown();

            first.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<WriteOutcome> outcome : waiting) {
                assertInstanceOf(WriteOutcome.Created.class, outcome.get(10, TimeUnit.SECONDS));
            }
            assertEquals(2, batches.size());
            assertEquals(10, batches.get(1).size());
            assertEquals(11, handedOn.size());
        }
    }

    @Test
    void anUnreachableDatabaseFailsTheBatchAndABadJobFailsOnlyItself() throws Exception {
        NewJob gate = job("gate");
        NewJob bad = job();
        CountDownLatch gateWriting = new CountDownLatch(1);
        CountDownLatch openGate = new CountDownLatch(1);
        try (JobWriter writer = new JobWriter(jobs -> {
            batches.add(jobs);
            if (jobs.contains(gate)) {
                gateWriting.countDown();
                openGate.await(10, TimeUnit.SECONDS);
            }
            if (jobs.stream().anyMatch(job -> job.spec().model().equals("unreachable"))) {
                throw new SQLTransientConnectionException("connection refused", "08001");
            }
            if (jobs.contains(bad)) {
                throw new SQLException("value too long", "22001");
            }
            return jobs.stream().<WriteOutcome>map(WriteOutcome.Created::new).toList();
        }, handedOn::addAll, 100, 1000).start()) {
            ExecutionException down = assertThrows(ExecutionException.class,
                    () -> writer.submit(job("unreachable")).get(10, TimeUnit.SECONDS));
            assertTrue(DatabaseUnavailableException.isUnavailability(down.getCause()));

            // While the gate job is being written, three queue up and become one batch.
            writer.submit(gate);
            assertTrue(gateWriting.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<WriteOutcome>> outcomes = List.of(writer.submit(job()), writer.submit(bad),
                    writer.submit(job()));
            openGate.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream().allMatch(CompletableFuture::isDone));
            assertTrue(outcomes.get(1).isCompletedExceptionally());
            assertInstanceOf(WriteOutcome.Created.class, outcomes.get(0).get());
            assertInstanceOf(WriteOutcome.Created.class, outcomes.get(2).get());
            // The failed batch of three, then each of its jobs on its own.
            assertEquals(List.of(3, 1, 1, 1), batches.subList(batches.size() - 4, batches.size()).stream()
                    .map(List::size).toList());
        }
    }

    @Test
    void aFullQueueOrAClosedWriterRefusesAtOnce() {
        JobWriter writer = new JobWriter(jobs -> List.of(), handedOn::addAll, 10, 1);
        // Not started: nothing drains the queue.
        writer.submit(job());
        ExecutionException full = assertThrows(ExecutionException.class, () -> writer.submit(job()).get());
        assertInstanceOf(JobWriter.Overloaded.class, full.getCause());
        writer.close(Duration.ofMillis(10));
        assertInstanceOf(JobWriter.Overloaded.class,
                assertThrows(ExecutionException.class, () -> writer.submit(job()).get()).getCause());
    }

    private static NewJob job() {
        return job("m");
    }

    private static NewJob job(String model) {
        return new NewJob(UUID.randomUUID(), new JobSpec(model, List.of(new ChatMessage("user", "hi")), 8, 1.0, 1.0,
                null, List.of()), Instant.now(), null, null, 0);
    }
}
