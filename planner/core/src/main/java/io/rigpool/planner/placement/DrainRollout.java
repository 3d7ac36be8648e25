package io.rigpool.planner.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves one node from the runners it was told to run to the runners of a new plan without cutting off running
 * jobs. A runner the plan drops or changes stays, marked draining, while it has busy slots, up to a timeout; while
 * anything drains on the node its new or reloaded runners wait too, since they may need the memory the draining
 * one still holds. Kept runners are never held back.
 */
public final class DrainRollout {

    /** A runner to tell the node about, and whether it is to finish its jobs and take no new ones. */
    public record Entry(Instance instance, boolean draining) {
    }

    /**
     * What to send now.
     *
     * @param send the node's assignments for now
     * @param drainingSince when each still-draining model (by id) started draining
     * @param complete true when {@code send} is the whole target plan
     */
    public record Step(List<Entry> send, Map<String, Instant> drainingSince, boolean complete) {

        public Step {
            send = List.copyOf(send);
            drainingSince = Map.copyOf(drainingSince);
        }
    }

    private DrainRollout() {
    }

    /**
     * @param target the node's runners in the new plan
     * @param assigned the runners the node was last told to run
     * @param busySlots busy slots per model id from the node's latest heartbeat
     * @param drainingSince when each model that was draining started (from the previous step)
     * @param timeout how long a drain may wait for its jobs
     */
    public static Step next(List<Instance> target, List<Instance> assigned, Map<String, Integer> busySlots,
            Map<String, Instant> drainingSince, Instant now, Duration timeout) {
        List<Entry> keep = new ArrayList<>();
        List<Entry> draining = new ArrayList<>();
        Map<String, Instant> since = new HashMap<>();
        for (Instance before : assigned) {
            Optional<Instance> after = find(target, before.modelId());
            if (after.isPresent() && after.get().equals(before)) {
                keep.add(new Entry(before, false));
                continue;
            }
            Instant started = drainingSince.getOrDefault(before.modelId(), now);
            boolean busy = busySlots.getOrDefault(before.modelId(), 0) > 0;
            if (busy && now.isBefore(started.plus(timeout))) {
                draining.add(new Entry(before, true));
                since.put(before.modelId(), started);
            }
        }
        List<Entry> send = new ArrayList<>(keep);
        send.addAll(draining);
        boolean complete = draining.isEmpty();
        if (complete) {
            for (Instance t : target) {
                if (keep.stream().noneMatch(e -> e.instance().equals(t))) {
                    send.add(new Entry(t, false));
                }
            }
        }
        return new Step(send, since, complete);
    }

    private static Optional<Instance> find(List<Instance> list, String modelId) {
        return list.stream().filter(i -> i.modelId().equals(modelId)).findFirst();
    }
}
