package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.TokenChunk;
import io.rigpool.proto.v1.TokenLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One job's text on its way to {@code rigpool.tokens}: a piece that finds the stream quiet leaves at once, so the
 * first token of a job (the one a streaming client waits for) never waits for a timer; pieces that come within the
 * flush delay of a chunk gather into the next one, so that a fast generation gives Kafka a record per batch, not per
 * token, and no piece waits longer than the flush delay. The end of the job sends what is left as the last chunk
 * ({@code last = true}, possibly empty). Chunks are numbered 0, 1, 2, ... in the order they leave.
 */
public final class TokenStream {

    /** Runs a task after a delay; a scheduled executor in the worker, a hand-driven clock in tests. */
    public interface Timer {
        void after(Duration delay, Runnable task);
    }

    private final String jobId;
    private final Duration flushDelay;
    private final Timer timer;
    private final Consumer<TokenChunk> sink;
    private final StringBuilder pending = new StringBuilder();
    private final List<TokenLogprob> pendingLogprobs = new ArrayList<>();
    /** A chunk left less than the flush delay ago: pieces gather until the delay is over. */
    private boolean coolingDown;
    private boolean ended;
    private int seq;

    /** @param sink sends a chunk; called in chunk order, under this stream's lock, so sends keep that order */
    TokenStream(String jobId, Duration flushDelay, Timer timer, Consumer<TokenChunk> sink) {
        this(jobId, flushDelay, timer, sink, false);
    }

    private TokenStream(String jobId, Duration flushDelay, Timer timer, Consumer<TokenChunk> sink, boolean ended) {
        this.jobId = jobId;
        this.flushDelay = flushDelay;
        this.timer = timer;
        this.sink = sink;
        this.ended = ended;
    }

    /**
     * The stream of a job whose request did not ask for streaming: it sends nothing, not even a last chunk (it is
     * made ended, so its pieces and its end are dropped).
     */
    static TokenStream unfollowed(String jobId) {
        return new TokenStream(jobId, Duration.ZERO, (delay, task) -> {
        }, chunk -> {
        }, true);
    }

    synchronized void add(String text) {
        add(text, List.of());
    }

    /** Text and the tokens it came from (when the job asked for logprobs; a tool call's tokens come without text). */
    synchronized void add(String text, List<TokenLogprob> logprobs) {
        if (ended || (text.isEmpty() && logprobs.isEmpty())) {
            return;
        }
        pending.append(text);
        pendingLogprobs.addAll(logprobs);
        if (!coolingDown) {
            send(false);
            coolDown();
        }
    }

    /** The job ended with a result: sends the rest as the last chunk. */
    synchronized void finish() {
        if (!ended) {
            ended = true;
            send(true);
        }
    }

    /** The job was handed back: it will be streamed again from the start wherever it runs next. */
    synchronized void abandon() {
        ended = true;
    }

    /** Chunks sent so far. */
    synchronized int chunks() {
        return seq;
    }

    private void coolDown() {
        coolingDown = true;
        timer.after(flushDelay, this::coolDownOver);
    }

    /** Sends what gathered meanwhile (and cools down again), or lets the next piece leave at once. */
    private synchronized void coolDownOver() {
        coolingDown = false;
        if (!ended && (pending.length() > 0 || !pendingLogprobs.isEmpty())) {
            send(false);
            coolDown();
        }
    }

    private void send(boolean last) {
        sink.accept(TokenChunk.newBuilder().setJobId(jobId).setSeq(seq++).setText(pending.toString()).setLast(last)
                .addAllLogprobs(pendingLogprobs).build());
        pending.setLength(0);
        pendingLogprobs.clear();
    }
}
