package io.rigpool.worker.runner;

import java.time.Duration;
import java.util.Optional;

/**
 * What the worker does when a runner that was serving ends on its own: start it again with the same assignment
 * after a pause that doubles with each crash in a row, and give up after too many. A runner that served for a
 * while before crashing starts the count afresh. Giving up leaves the model failed until the planner sends a new
 * plan (the planner hears of every crash and decides about the model's future).
 *
 * @param firstWait   pause before the first restart
 * @param longestWait longest pause
 * @param maxRestarts crashes in a row after which the worker gives up
 * @param stableAfter a runner that ran this long before crashing starts the count again
 */
public record RestartPolicy(Duration firstWait, Duration longestWait, int maxRestarts, Duration stableAfter) {

    public RestartPolicy {
        if (firstWait.isNegative() || longestWait.compareTo(firstWait) < 0 || maxRestarts < 0) {
            throw new IllegalArgumentException("restart policy needs 0 <= first wait <= longest wait and a"
                    + " non-negative restart count");
        }
    }

    /** The crash count after a crash, given the count before it and how long the runner ran. */
    public int crashesInARow(int before, Duration ranFor) {
        return ranFor.compareTo(stableAfter) >= 0 ? 1 : before + 1;
    }

    /** The pause before restarting after the given number of crashes in a row; empty: give up. */
    public Optional<Duration> waitAfter(int crashesInARow) {
        if (crashesInARow > maxRestarts) {
            return Optional.empty();
        }
        Duration wait = firstWait;
        for (int i = 1; i < crashesInARow && wait.compareTo(longestWait) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return Optional.of(wait.compareTo(longestWait) > 0 ? longestWait : wait);
    }
}
