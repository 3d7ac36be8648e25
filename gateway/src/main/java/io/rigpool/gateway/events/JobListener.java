package io.rigpool.gateway.events;

/**
 * Hears one job's tokens and its end. Called with the job's lock held, in order, from the Kafka follower's thread
 * (or a thread replaying what was buffered): it must not block.
 */
public interface JobListener {

    /** The token with number {@code seq} (0, 1, 2, ...); each number is heard at most once, in order. */
    default void onToken(int seq, String text) {
    }

    /** The job ended; nothing is heard after this. */
    void onFinished(JobOutcome outcome);
}
