package io.rigpool.worker.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The jobs running on this worker, by job id, so that a cancel message finds its job whichever model runs it. A
 * cancel for a job that is not running here is remembered for a while: the job may still be in the queue and
 * reach this worker later, and is then ended as CANCELLED without running.
 *
 * <p>Two more things are remembered for as long, per job id, for the share group's redeliveries: the jobs whose
 * terminal update this worker has had acknowledged (a record of such a job that comes back, because its lock was
 * lost at a broker restart before the acceptance reached the broker, is accepted without running the job again),
 * and how often this worker's runner died while running a job (poison jobs are told by that, not by the broker's
 * delivery count alone, which a broker restart inflates).
 */
public final class RunningJobs {

    private static final int MAX_REMEMBERED = 10_000;

    private final Map<String, JobHandle> running = new ConcurrentHashMap<>();
    /** Job id to the time the cancel came, oldest first. */
    private final LinkedHashMap<String, Long> cancelled = new LinkedHashMap<>();
    /** Job id to the time its terminal update was acknowledged here, oldest first. */
    private final LinkedHashMap<String, Long> finished = new LinkedHashMap<>();
    /** Job id to how many times a runner of this worker died while running it, by the last death, oldest first. */
    private final LinkedHashMap<String, Deaths> deaths = new LinkedHashMap<>();
    private final Duration memory;
    private final Clock clock;

    public RunningJobs(Duration memory, Clock clock) {
        this.memory = memory;
        this.clock = clock;
    }

    /** A job starts here; its handle is already cancelled when a cancel for it came earlier. */
    public JobHandle start(String jobId) {
        JobHandle handle = new JobHandle(jobId);
        running.put(jobId, handle);
        if (wasCancelled(jobId)) {
            handle.cancel();
        }
        return handle;
    }

    public void end(JobHandle handle) {
        running.remove(handle.jobId(), handle);
        handle.ended();
    }

    /** Asks a job to stop; returns whether it runs here. Remembered either way. */
    public boolean cancel(String jobId) {
        synchronized (cancelled) {
            cancelled.remove(jobId);
            cancelled.put(jobId, clock.millis());
            expire(cancelled, Long::longValue);
        }
        JobHandle handle = running.get(jobId);
        if (handle == null) {
            return false;
        }
        handle.cancel();
        return true;
    }

    /** Whether a cancel for this job came (and is still remembered). */
    public boolean cancelled(String jobId) {
        return wasCancelled(jobId);
    }

    /**
     * Waits at most {@code atMost} for the job's run here to end; returns whether no run of it is on here any more
     * (at once when none was).
     */
    public boolean awaitNotRunningHere(String jobId, Duration atMost) throws InterruptedException {
        JobHandle handle = running.get(jobId);
        return handle == null || handle.awaitEnded(atMost);
    }

    /** The job's terminal update was acknowledged by Kafka here. */
    public void finished(String jobId) {
        synchronized (finished) {
            finished.remove(jobId);
            finished.put(jobId, clock.millis());
            expire(finished, Long::longValue);
        }
    }

    /** Whether this worker reported the job's end (and still remembers it). */
    public boolean finishedHere(String jobId) {
        synchronized (finished) {
            expire(finished, Long::longValue);
            return finished.containsKey(jobId);
        }
    }

    /** A runner of this worker died while running the job; returns how often that happened so far. */
    public int runnerDiedWith(String jobId) {
        synchronized (deaths) {
            Deaths before = deaths.remove(jobId);
            Deaths now = new Deaths(before == null ? 1 : before.count() + 1, clock.millis());
            deaths.put(jobId, now);
            expire(deaths, Deaths::lastAt);
            return now.count();
        }
    }

    /** How often a runner of this worker died while running the job (as far as it is remembered). */
    public int runnerDeaths(String jobId) {
        synchronized (deaths) {
            expire(deaths, Deaths::lastAt);
            Deaths known = deaths.get(jobId);
            return known == null ? 0 : known.count();
        }
    }

    public List<JobHandle> all() {
        return List.copyOf(running.values());
    }

    private boolean wasCancelled(String jobId) {
        synchronized (cancelled) {
            expire(cancelled, Long::longValue);
            return cancelled.containsKey(jobId);
        }
    }

    /**
     * Forgets what is older than the memory, or beyond {@link #MAX_REMEMBERED}; the caller holds its lock. The map
     * is in the order of {@code at}, oldest first.
     */
    private <T> void expire(LinkedHashMap<String, T> remembered, ToLongFunction<T> at) {
        long oldest = clock.millis() - memory.toMillis();
        Iterator<Map.Entry<String, T>> it = remembered.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, T> e = it.next();
            if (at.applyAsLong(e.getValue()) >= oldest && remembered.size() <= MAX_REMEMBERED) {
                break;
            }
            it.remove();
        }
    }

    /** How often a runner died with a job, and when it last did. */
    private record Deaths(int count, long lastAt) {
    }
}
