package io.rigpool.gateway.events;

import io.rigpool.gateway.jobs.TokenLogprob;
import java.util.List;

/**
 * Hears one job's tokens and its end. Called with the job's lock held, in order, from the Kafka follower's thread
 * (or a thread replaying what was buffered): it must not block.
 */
public interface JobListener {

    /** The token with number {@code seq} (0, 1, 2, ...); each number is heard at most once, in order. */
    default void onToken(int seq, String text) {
    }

    /**
     * The same, with the tokens the text came from when the job asked for logprobs (inside a tool call there are
     * tokens and no text); a listener that shows no logprobs hears {@link #onToken}.
     */
    default void onPiece(int seq, String text, List<TokenLogprob> logprobs) {
        onToken(seq, text);
    }

    /** The job ended; nothing is heard after this. */
    void onFinished(JobOutcome outcome);
}
