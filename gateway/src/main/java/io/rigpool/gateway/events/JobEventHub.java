package io.rigpool.gateway.events;

import io.rigpool.gateway.jobs.JobProgress;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This gateway instance's view of every job's tokens and ends, as the Kafka follower reads them: whoever watches a
 * job here hears what it produced so far, then what comes next. Every instance follows every job, so a client's
 * stream can land on any of them.
 *
 * <p>Memory is bounded three ways: a finished job's tokens are dropped {@code linger} after it ended, an
 * unfinished job's after {@code replayWindow} without a token, and beyond {@code maxJobs} the oldest unwatched jobs
 * go first. A job whose tokens were dropped is replayed from its stored result instead.
 */
public final class JobEventHub {

    private final Map<UUID, JobChannel> channels = new ConcurrentHashMap<>();
    private final long lingerNanos;
    private final long idleNanos;
    private final int maxJobs;
    private final LongSupplier nanoClock;

    public JobEventHub(Duration replayWindow, Duration linger, int maxJobs, LongSupplier nanoClock) {
        this.lingerNanos = linger.toNanos();
        this.idleNanos = replayWindow.toNanos();
        this.maxJobs = maxJobs;
        this.nanoClock = nanoClock;
    }

    /** A handle that stops the listening. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Replays what the job produced so far to {@code listener}, then keeps it informed until the job ends. */
    public Watch watch(UUID jobId, JobListener listener) {
        JobChannel channel = channels.computeIfAbsent(jobId, id -> new JobChannel(nanoClock.getAsLong()));
        channel.listen(listener);
        return () -> channel.unlisten(listener);
    }

    public void onToken(TokenChunk chunk) {
        UUID jobId = jobId(chunk.getJobId());
        if (jobId != null) {
            channels.computeIfAbsent(jobId, id -> new JobChannel(nanoClock.getAsLong()))
                    .addToken(chunk.getNodeId(), chunk.getSeq(), chunk.getText(),
                            TokenLogprob.of(chunk.getLogprobsList()), nanoClock.getAsLong());
        }
    }

    /**
     * A worker's update. A RUNNING names the node whose tokens and outcome count from then on (a redelivered job
     * names its new node), so a worker cannot write into another's stream. A final one ends the job, but only for
     * jobs this instance holds: keeping every job's outcome would cost memory for jobs nobody watches, and a watch
     * that begins after the outcome went by finds it in the database ({@link #watchedUnfinishedIdleFor}).
     */
    public void onUpdate(JobUpdate update) {
        Optional<JobProgress> progress = JobProgress.of(update, Instant.now());
        if (progress.isEmpty()) {
            return;
        }
        if (progress.get() instanceof JobProgress.Started started) {
            // The node that runs the job now; only its tokens and its outcome count from here on.
            channels.computeIfAbsent(started.jobId(), id -> new JobChannel(nanoClock.getAsLong()))
                    .runningOn(started.nodeId());
        } else if (progress.get() instanceof JobProgress.Finished finished) {
            JobChannel channel = channels.get(finished.jobId());
            if (channel != null && channel.acceptsEndFrom(finished.nodeId())) {
                channel.finish(JobOutcome.of(finished), nanoClock.getAsLong());
            }
        }
    }

    /** Ends a job here, as a worker's update or the database says. */
    public void finish(UUID jobId, JobOutcome outcome) {
        JobChannel channel = channels.get(jobId);
        if (channel != null) {
            channel.finish(outcome, nanoClock.getAsLong());
        }
    }

    /** Watched jobs with no end yet that have heard nothing for {@code idle}: their end may have gone by unseen. */
    public List<UUID> watchedUnfinishedIdleFor(Duration idle) {
        long now = nanoClock.getAsLong();
        List<UUID> stale = new ArrayList<>();
        channels.forEach((jobId, channel) -> {
            if (channel.watched() && !channel.finished() && now - channel.lastActivityNanos() >= idle.toNanos()) {
                stale.add(jobId);
            }
        });
        return stale;
    }

    /** Drops what is no longer needed (see the class comment); run it now and then. */
    public void expire() {
        long now = nanoClock.getAsLong();
        channels.entrySet().removeIf(entry -> {
            JobChannel channel = entry.getValue();
            if (channel.watched()) {
                return false;
            }
            return channel.finished() ? now - channel.finishedAtNanos() >= lingerNanos
                    : now - channel.lastActivityNanos() >= idleNanos;
        });
        if (channels.size() > maxJobs) {
            channels.entrySet().stream()
                    .filter(entry -> !entry.getValue().watched())
                    .sorted(Comparator.comparing((Map.Entry<UUID, JobChannel> entry) -> !entry.getValue().finished())
                            .thenComparingLong(entry -> entry.getValue().lastActivityNanos()))
                    .limit(channels.size() - (long) maxJobs)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(channels::remove);
        }
    }

    public int jobsHeld() {
        return channels.size();
    }

    /** Characters of token text held for all jobs. */
    public long bufferedChars() {
        return channels.values().stream().mapToLong(JobChannel::bufferedChars).sum();
    }

    private static UUID jobId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
