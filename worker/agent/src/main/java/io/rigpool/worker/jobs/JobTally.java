package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of what this worker did, per model, for its metrics: jobs reported by outcome, jobs handed back,
 * tokens generated, runner starts, crashes and restarts. Counts only ever grow; any thread may add to them.
 */
public final class JobTally {

    /** How a reported job ended, as the metrics name it. */
    public enum Ending {
        SUCCEEDED, FAILED, CANCELLED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Set<String> crashedSinceStart = ConcurrentHashMap.newKeySet();

    /** A terminal update Kafka acknowledged. */
    void reported(JobUpdate terminal) {
        String model = terminal.getModel();
        Ending ending = terminal.getState() == JobState.JOB_STATE_SUCCEEDED ? Ending.SUCCEEDED
                : terminal.getState() == JobState.JOB_STATE_CANCELLED ? Ending.CANCELLED : Ending.FAILED;
        add("jobs/" + ending.label() + "/" + model, 1);
        if (terminal.hasUsage()) {
            add("tokens/" + model, terminal.getUsage().getCompletionTokens());
        }
    }

    void jobHandedBack(String model) {
        add("handed-back/" + model, 1);
    }

    void runnerStarted(String model) {
        add("runner-starts/" + model, 1);
        if (crashedSinceStart.remove(model)) {
            add("runner-restarts/" + model, 1);
        }
    }

    void runnerCrashed(String model) {
        add("runner-crashes/" + model, 1);
        crashedSinceStart.add(model);
    }

    public long jobs(String model, Ending ending) {
        return get("jobs/" + ending.label() + "/" + model);
    }

    public long handedBack(String model) {
        return get("handed-back/" + model);
    }

    /** Completion tokens of reported jobs. */
    public long tokens(String model) {
        return get("tokens/" + model);
    }

    public long runnerStarts(String model) {
        return get("runner-starts/" + model);
    }

    public long runnerCrashes(String model) {
        return get("runner-crashes/" + model);
    }

    /** Starts of a runner after it had crashed. */
    public long runnerRestarts(String model) {
        return get("runner-restarts/" + model);
    }

    private void add(String key, long n) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    private long get(String key) {
        AtomicLong n = counts.get(key);
        return n == null ? 0 : n.get();
    }
}
