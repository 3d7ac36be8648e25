package io.rigpool.worker.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs running on this worker, by job id, so that a cancel message finds its job whichever model runs it. A
 * cancel for a job that is not running here is remembered for a while: the job may still be in the queue and
 * reach this worker later, and is then ended as CANCELLED without running.
 */
public final class RunningJobs {

    private static final int MAX_REMEMBERED = 10_000;

    private final Map<String, JobHandle> running = new ConcurrentHashMap<>();
    /** Job id to the time the cancel came, oldest first. */
    private final LinkedHashMap<String, Long> cancelled = new LinkedHashMap<>();
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
    }

    /** Asks a job to stop; returns whether it runs here. Remembered either way. */
    public boolean cancel(String jobId) {
        synchronized (cancelled) {
            cancelled.remove(jobId);
            cancelled.put(jobId, clock.millis());
            expire();
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

    public List<JobHandle> all() {
        return List.copyOf(running.values());
    }

    private boolean wasCancelled(String jobId) {
        synchronized (cancelled) {
            expire();
            return cancelled.containsKey(jobId);
        }
    }

    private void expire() {
        long oldest = clock.millis() - memory.toMillis();
        Iterator<Map.Entry<String, Long>> it = cancelled.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() >= oldest && cancelled.size() <= MAX_REMEMBERED) {
                break;
            }
            it.remove();
        }
    }
}
