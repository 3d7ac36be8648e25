package io.rigpool.local.reliability;

import java.util.Map;

/**
 * What one fault did to one batch of jobs.
 *
 * @param jobs jobs the gateway accepted
 * @param succeeded jobs stored as succeeded in PostgreSQL
 * @param lost accepted jobs not stored as succeeded when the run ended
 * @param duplicates jobs stored more than once: a second row for one job id or for one idempotency key (a job the
 *        client sent again after a lost answer)
 * @param ranTwice jobs reported finished twice on {@code rigpool.results} (at-least-once delivery: a partition moved
 *        while its job ran); the gateway stores the first outcome, so these are not duplicates
 * @param refused503 submissions answered 503 during the run (each with Retry-After, else the drill fails)
 * @param unreachable submissions that got no answer (the gateway was restarting) and were sent again
 * @param statuses the jobs' final statuses as PostgreSQL holds them
 */
public record FaultRun(String fault, int jobs, int succeeded, int lost, int duplicates, int ranTwice, int refused503,
        int unreachable, double seconds, Map<String, Integer> statuses) {

    @Override
    public String toString() {
        return "%-17s jobs %4d  succeeded %4d  lost %d  duplicates %d  ran twice %d  503s %3d  unanswered %3d  %.1f s"
                .formatted(fault, jobs, succeeded, lost, duplicates, ranTwice, refused503, unreachable, seconds);
    }
}
