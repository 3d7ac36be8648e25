package io.rigpool.gateway.events;

import io.rigpool.gateway.jobs.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One job's tokens in order, its outcome once known, and who listens. Tokens are numbered by the worker; a number
 * heard twice (a redelivered job streams again from 0) is dropped, and one that comes early waits for the gap to
 * fill. A channel created when the follower joined a job late starts at the first number it heard.
 *
 * <p>Whoever reaches the broker can write token chunks, so one job's memory is bounded: past {@link #MAX_CHARS}
 * characters, or with {@link #MAX_EARLY} chunks waiting for a gap, or a number more than {@link #MAX_GAP} ahead,
 * a chunk is dropped. Nothing is lost to a reader: when the job ends, the stored result fills in what was not
 * streamed ({@link StreamAssembler}).
 */
final class JobChannel {

    /** About 1 M tokens of English: far beyond any context a model is served with. */
    static final long MAX_CHARS = 4L << 20;
    static final int MAX_EARLY = 1024;
    static final int MAX_GAP = 4096;

    /** A chunk's text and the tokens it came from. */
    private record Piece(String text, List<TokenLogprob> logprobs) {

        /** Memory it holds, counted in characters: its text, and each token's and alternative's text and figures. */
        long weight() {
            long weight = text.length();
            for (TokenLogprob token : logprobs) {
                weight += token.token().length() + 16;
                for (TokenLogprob.Top top : token.topLogprobs()) {
                    weight += top.token().length() + 16;
                }
            }
            return weight;
        }
    }

    private final List<Piece> tokens = new ArrayList<>();
    private final TreeMap<Integer, Piece> early = new TreeMap<>();
    private final List<JobListener> listeners = new ArrayList<>();
    private int firstSeq = -1;
    private JobOutcome outcome;
    private long lastActivityNanos;
    private long finishedAtNanos;
    private long bufferedChars;
    /** The node the latest RUNNING named; null until one did. */
    private String node;

    JobChannel(long nowNanos) {
        this.lastActivityNanos = nowNanos;
    }

    /** A RUNNING update named the node that runs the job now. */
    synchronized void runningOn(String nodeId) {
        node = nodeId;
    }

    /** Whether a final update from this node may end the job: the running node's, or any before one is known. */
    synchronized boolean acceptsEndFrom(String nodeId) {
        return node == null || node.equals(nodeId);
    }

    /** @return how many characters (or their worth in token probabilities) this added to memory */
    synchronized long addToken(String nodeId, int seq, String text, List<TokenLogprob> logprobs, long nowNanos) {
        lastActivityNanos = nowNanos;
        if (outcome != null || seq < 0 || node != null && !node.equals(nodeId)) {
            return 0;
        }
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        int next = firstSeq + tokens.size();
        if (seq < next || early.containsKey(seq)) {
            return 0;
        }
        Piece piece = new Piece(text, logprobs);
        long weight = piece.weight();
        if (bufferedChars + weight > MAX_CHARS
                || seq > next && (early.size() >= MAX_EARLY || seq - next > MAX_GAP)) {
            return 0;
        }
        if (seq > next) {
            early.put(seq, piece);
            bufferedChars += weight;
            return weight;
        }
        append(seq, piece);
        long added = weight;
        for (var waiting = early.pollFirstEntry(); waiting != null; waiting = early.pollFirstEntry()) {
            if (waiting.getKey() != firstSeq + tokens.size()) {
                early.put(waiting.getKey(), waiting.getValue());
                break;
            }
            append(waiting.getKey(), waiting.getValue());
        }
        return added;
    }

    private void append(int seq, Piece piece) {
        tokens.add(piece);
        bufferedChars += piece.weight();
        for (JobListener listener : List.copyOf(listeners)) {
            listener.onPiece(seq, piece.text(), piece.logprobs());
        }
    }

    /** Ends the job once; later outcomes (a redelivered job's) are ignored. */
    synchronized void finish(JobOutcome finished, long nowNanos) {
        if (outcome != null) {
            return;
        }
        outcome = finished;
        finishedAtNanos = nowNanos;
        lastActivityNanos = nowNanos;
        early.clear();
        for (JobListener listener : List.copyOf(listeners)) {
            listener.onFinished(finished);
        }
        listeners.clear();
    }

    /** Replays the tokens so far (and the outcome, if known) to the listener, then keeps it informed. */
    synchronized void listen(JobListener listener) {
        int seq = firstSeq;
        for (Piece piece : tokens) {
            listener.onPiece(seq++, piece.text(), piece.logprobs());
        }
        if (outcome != null) {
            listener.onFinished(outcome);
        } else {
            listeners.add(listener);
        }
    }

    synchronized void unlisten(JobListener listener) {
        listeners.remove(listener);
    }

    synchronized boolean finished() {
        return outcome != null;
    }

    synchronized boolean watched() {
        return !listeners.isEmpty();
    }

    synchronized long lastActivityNanos() {
        return lastActivityNanos;
    }

    synchronized long finishedAtNanos() {
        return finishedAtNanos;
    }

    synchronized long bufferedChars() {
        return bufferedChars;
    }
}
