package io.rigpool.bench.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * One job's figures, however it ran: tokens generated, wall time from asking to having the last token (prompt
 * evaluation and every hop included), and the decode-only speed (tokens after the first over the time between the
 * first and the last).
 */
record Measurement(int tokens, double wallSeconds, double decodeTps) {

    /** Tokens per second from asking to the end: what a client sees. */
    double endToEndTps() {
        return tokens / wallSeconds;
    }

    /** The run whose end-to-end speed is the median of the given runs. */
    static Measurement median(List<Measurement> runs) {
        List<Measurement> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.endToEndTps(), b.endToEndTps()));
        return sorted.get(sorted.size() / 2);
    }
}
