package io.rigpool.gateway.events;

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

    private final List<String> tokens = new ArrayList<>();
    private final TreeMap<Integer, String> early = new TreeMap<>();
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

    /** @return how many characters this added to memory */
    synchronized long addToken(String nodeId, int seq, String text, long nowNanos) {
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
        if (bufferedChars + text.length() > MAX_CHARS
                || seq > next && (early.size() >= MAX_EARLY || seq - next > MAX_GAP)) {
            return 0;
        }
        if (seq > next) {
            early.put(seq, text);
            bufferedChars += text.length();
            return text.length();
        }
        append(seq, text);
        long added = text.length();
        for (var waiting = early.pollFirstEntry(); waiting != null; waiting = early.pollFirstEntry()) {
            if (waiting.getKey() != firstSeq + tokens.size()) {
                early.put(waiting.getKey(), waiting.getValue());
                break;
            }
            append(waiting.getKey(), waiting.getValue());
        }
        return added;
    }

    private void append(int seq, String text) {
        tokens.add(text);
        bufferedChars += text.length();
        for (JobListener listener : List.copyOf(listeners)) {
            listener.onToken(seq, text);
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
        for (String token : tokens) {
            listener.onToken(seq++, token);
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
