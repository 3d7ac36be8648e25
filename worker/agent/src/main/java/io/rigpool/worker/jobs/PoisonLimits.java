package io.rigpool.worker.jobs;

/**
 * When a job is reported FAILED instead of being run again: a poison job must not bring runners down for ever.
 *
 * <p>The first rule is what this worker saw itself: its runner died while running the job {@code maxRunnerDeaths}
 * times. The broker's delivery count is no good as the only rule: a broker restart inflates it (records locked at
 * the crash come back with a higher count, sometimes more than once as the members join again), and healthy jobs
 * were failed as poison after one Kafka restart. The delivery count stays as the last guard, for a job that brings
 * down the runners of several workers in turn: Kafka archives a record handed back once it has been delivered
 * {@code group.share.delivery.count.limit} times (rigpool's brokers set the most Kafka 4.2 allows, 10), which would
 * drop the job without a word, so a delivery beyond {@code maxDeliveries} (one below that limit) is reported failed
 * rather than run.
 *
 * @param maxRunnerDeaths how often a runner of this worker may die while running a job before the next delivery of
 *        it here is reported failed
 * @param maxDeliveries deliveries (the broker's count) after which a job is reported failed instead of run; below
 *        the broker's {@code group.share.delivery.count.limit}
 */
public record PoisonLimits(int maxRunnerDeaths, int maxDeliveries) {

    public PoisonLimits {
        if (maxRunnerDeaths < 1 || maxDeliveries < 1) {
            throw new IllegalArgumentException("poison limits must be at least 1: " + maxRunnerDeaths + ", "
                    + maxDeliveries);
        }
    }
}
