package io.rigpool.local.reliability;

import java.util.Map;

/**
 * What one fault did to one batch of jobs.
 *
 * @param jobs jobs the gateway accepted
 * @param succeeded jobs stored as succeeded in PostgreSQL
 * @param lost accepted jobs not stored as succeeded when the run ended
 * @param duplicates jobs with more than one row, or more than one final outcome on {@code rigpool.results}
 * @param refused503 submissions answered 503 during the run (each with Retry-After, else the drill fails)
 * @param unreachable submissions that got no answer (the gateway was restarting) and were sent again
 * @param statuses the jobs' final statuses as PostgreSQL holds them
 */
public record FaultRun(String fault, int jobs, int succeeded, int lost, int duplicates, int refused503,
        int unreachable, double seconds, Map<String, Integer> statuses) {

    @Override
    public String toString() {
        return "%-17s jobs %4d  succeeded %4d  lost %d  duplicates %d  503s %3d  unanswered %3d  %.1f s"
                .formatted(fault, jobs, succeeded, lost, duplicates, refused503, unreachable, seconds);
    }
}
