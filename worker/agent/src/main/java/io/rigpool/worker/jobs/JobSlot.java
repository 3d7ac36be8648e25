package io.rigpool.worker.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One slot of a runner as a member of the model's share group: takes one job record when it is free, has the job
 * run, keeps the record's lock while it runs, and acknowledges it when it ends. Its Kafka share consumer is used by
 * its own thread only, as Kafka requires.
 *
 * <p>One consumer per slot, not one per runner: Kafka's share consumer (4.2.1) insists that every record a poll
 * returned is acknowledged before the next poll, and a record whose lock is renewed comes back only through a later
 * poll, which fetches nothing new until the renewal is done. One consumer for several running jobs would renew all
 * of them at every poll and take new jobs only between renewals.
 */
final class JobSlot {

    private static final Logger LOG = Logger.getLogger(JobSlot.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    /** The broker's default lock, used until the broker tells the real one with the first record. */
    private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);

    /** What the slot asks of the runner's consumer. */
    interface Jobs {

        /** Whether the slot may take a new job now. */
        boolean taking();

        /** Whether the slot is to leave the group: the consumer closes, or the runner died. */
        boolean leaving();

        /** Runs the job (or reports why it will not run); says how its record is to be acknowledged. */
        AcknowledgeType run(ConsumerRecord<String, byte[]> record);

        /** The slot took a job or finished with one, acknowledgement sent. */
        void changed();
    }

    private final String topic;
    private final Jobs jobs;
    private final ExecutorService jobThread;
    private final Duration pollTimeout;
    private final KafkaShareConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Object nudge = new Object();
    private volatile boolean busy;
    /**
     * A record a renewal's poll brought instead of the renewed one: this slot runs it next rather than handing it
     * back (see {@link #renew}). Only the slot's thread uses it.
     */
    private ConsumerRecord<String, byte[]> next;

    JobSlot(String topic, String name, Map<String, Object> config, Jobs jobs, ExecutorService jobThread,
            Duration pollTimeout) {
        this.topic = topic;
        this.jobs = jobs;
        this.jobThread = jobThread;
        this.pollTimeout = pollTimeout;
        this.consumer = new KafkaShareConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::serve, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether a job runs here or its record is not yet acknowledged. */
    boolean busy() {
        return busy;
    }

    boolean alive() {
        return thread.isAlive();
    }

    /** Makes the slot look at its state again: a poll in progress ends early, a wait ends. */
    void wake() {
        consumer.wakeup();
        synchronized (nudge) {
            nudge.notifyAll();
        }
    }

    /** Ends the slot: waits for its thread, or closes the consumer itself when the slot never started. */
    void join(long millis) throws InterruptedException {
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        thread.join(millis);
    }

    private void serve() {
        try {
            consumer.subscribe(List.of(topic));
            while (!jobs.leaving()) {
                if (!jobs.taking()) {
                    handBackNext();
                    synchronized (nudge) {
                        nudge.wait(pollTimeout.toMillis());
                    }
                    continue;
                }
                try {
                    takeOne();
                } catch (WakeupException e) {
                    // The worker wants this slot to stop taking, or to leave: look again.
                } catch (KafkaException e) {
                    // The model stays loaded, so its jobs must keep flowing: wait a little and try again.
                    LOG.warnf("taking jobs of %s failed (%s); trying again", topic, e.toString());
                    synchronized (nudge) {
                        nudge.wait(pollTimeout.toMillis());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "a job slot of %s failed", topic);
        } finally {
            try {
                handBackNext();
                // Sends the last acknowledgements; Kafka releases whatever this member still holds.
                consumer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debugf("closing a job slot of %s: %s", topic, e);
            }
            busy = false;
            jobs.changed();
        }
    }

    /**
     * Polls for one job (or takes the one a renewal brought), runs it to its end with its lock kept, and
     * acknowledges it.
     */
    private void takeOne() throws InterruptedException {
        ConsumerRecord<String, byte[]> job = next;
        next = null;
        if (job == null) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                if (job == null && jobs.taking()) {
                    job = record;
                } else {
                    // More than one record, or taking stopped during the poll: the rest go back to the queue at
                    // once.
                    consumer.acknowledge(record, AcknowledgeType.RELEASE);
                }
            }
        }
        if (job == null) {
            return;
        }
        busy = true;
        jobs.changed();
        try {
            ConsumerRecord<String, byte[]> taken = job;
            Future<AcknowledgeType> running = jobThread.submit(() -> jobs.run(taken));
            AcknowledgeType verdict = awaitKeepingTheLock(taken, running);
            if (verdict == null) {
                return;
            }
            consumer.acknowledge(taken, verdict);
            if (!jobs.taking() || jobs.leaving()) {
                // No poll follows soon to carry the acknowledgement: send it now.
                consumer.commitSync(COMMIT_TIMEOUT);
            }
        } finally {
            busy = false;
            jobs.changed();
        }
    }

    /**
     * Waits for the job to end; every half lock, renews the record's lock (RENEW, KIP-1222) and polls until the
     * record is back, so that a job of many minutes is never delivered to another worker while it runs here.
     * Returns how to acknowledge the record, or null when there is nothing to acknowledge: the slot is leaving
     * without it (closing the consumer releases it), or the lock was lost and the record is no longer this slot's.
     */
    private AcknowledgeType awaitKeepingTheLock(ConsumerRecord<String, byte[]> job, Future<AcknowledgeType> running)
            throws InterruptedException {
        while (true) {
            long lockMs = consumer.acquisitionLockTimeoutMs().map(Integer::longValue)
                    .orElse(DEFAULT_LOCK.toMillis());
            try {
                return running.get(lockMs / 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "job at %s-%d@%d failed unexpectedly; it is handed back", job.topic(),
                        job.partition(), job.offset());
                return AcknowledgeType.RELEASE;
            } catch (TimeoutException e) {
                switch (renew(job, lockMs)) {
                    case BACK -> {
                        // Locked again for one more lock: wait on.
                    }
                    case LEAVING -> {
                        return null;
                    }
                    case LOST -> {
                        awaitWithoutTheLock(job, running);
                        return null;
                    }
                }
            }
        }
    }

    /** How a renewal ended. */
    private enum Renewal {
        /** The record came back: it is locked to this slot for another lock. */
        BACK,
        /** The slot is to leave before the record came back. */
        LEAVING,
        /** The record did not come back within a lock: the broker no longer holds it for this slot. */
        LOST
    }

    /**
     * Renews the record's lock and polls until it is back, for at most one lock. The bound matters: a broker that
     * restarts forgets the locks it had handed out (it loads the records as available again), and a record renewed
     * then never comes back through poll; waiting for it for ever kept the slot from acknowledging and from taking
     * another job. After a lock without the record the lock has run out anyway, so nothing is lost by giving up.
     *
     * <p>A poll that brings another record instead means the same: the consumer fetches nothing new while a renewal
     * is under way, so the renewal did not take. That record is kept, and run by this slot once the current job
     * ends ({@link #next}), instead of being released; a slot that takes no jobs (draining) releases it once and
     * ends the wait all the same. Releasing it and polling on was how jobs were lost: each
     * poll acquired the first available record of the partition again, every acquisition counts as a delivery, and
     * within one lock (10 s in the fault suite, a poll every ~120 ms) a record reached the broker's
     * {@code group.share.delivery.count.limit} and was archived, its job never run (fault-suite run 3 on
     * share-groups-3: 30 jobs submitted around a Kafka restart).
     */
    private Renewal renew(ConsumerRecord<String, byte[]> job, long lockMs) throws InterruptedException {
        consumer.acknowledge(job, AcknowledgeType.RENEW);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lockMs);
        while (!jobs.leaving()) {
            if (System.nanoTime() - deadline > 0) {
                return Renewal.LOST;
            }
            try {
                boolean back = false;
                boolean another = false;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                    if (record.partition() == job.partition() && record.offset() == job.offset()) {
                        back = true;
                        continue;
                    }
                    another = true;
                    if (next == null && jobs.taking()) {
                        next = record;
                    } else {
                        // Not taking (a drain): handed back once, and no further poll acquires it again.
                        consumer.acknowledge(record, AcknowledgeType.RELEASE);
                    }
                }
                if (back) {
                    return Renewal.BACK;
                }
                if (another) {
                    if (next != null) {
                        LOG.infof("renewing the lock of the job at %s-%d@%d brought the record at %s-%d@%d instead:"
                                + " the renewal did not take; that job runs here next", job.topic(), job.partition(),
                                job.offset(), next.topic(), next.partition(), next.offset());
                    }
                    return Renewal.LOST;
                }
            } catch (WakeupException e) {
                // Woken for a drain: the record must still come back to be acknowledged.
            } catch (KafkaException e) {
                LOG.warnf("renewing a job's lock on %s failed (%s); trying again", topic, e.toString());
                synchronized (nudge) {
                    nudge.wait(pollTimeout.toMillis());
                }
            }
        }
        return Renewal.LEAVING;
    }

    /** Hands back the record a renewal brought, when this slot will not run it (it stops taking, or leaves). */
    private void handBackNext() {
        if (next == null) {
            return;
        }
        ConsumerRecord<String, byte[]> record = next;
        next = null;
        consumer.acknowledge(record, AcknowledgeType.RELEASE);
        try {
            consumer.commitSync(COMMIT_TIMEOUT);
        } catch (KafkaException e) {
            // Its lock runs out then, and the broker delivers it again.
            LOG.debugf("handing back %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e);
        }
    }

    /**
     * The record's lock is lost (a broker restart, most likely): the job still runs to its end here, since its
     * terminal update is idempotent on the gateway (the first outcome of a job is the one stored). The record itself
     * can no longer be acknowledged by this slot; the broker delivers it again, and a worker that gets the record of
     * a job it has already reported accepts it without running it (see {@code RunningJobs#finishedHere}); another
     * worker runs it a second time, which the gateway stores once. A handed-back job loses nothing either: its
     * record is delivered again as it would be after a RELEASE.
     */
    private void awaitWithoutTheLock(ConsumerRecord<String, byte[]> job, Future<AcknowledgeType> running)
            throws InterruptedException {
        LOG.warnf("the lock of the job at %s-%d@%d was lost (did the broker restart?); the job runs on without it",
                job.topic(), job.partition(), job.offset());
        while (!jobs.leaving()) {
            try {
                AcknowledgeType verdict = running.get(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("the job at %s-%d@%d ended without its lock (%s); its record is delivered again",
                        job.topic(), job.partition(), job.offset(), verdict);
                return;
            } catch (ExecutionException e) {
                return;
            } catch (TimeoutException e) {
                // Still running.
            }
        }
    }
}
