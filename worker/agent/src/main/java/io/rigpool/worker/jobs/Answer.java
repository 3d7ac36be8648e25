package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.TextPiece;
import io.rigpool.proto.v1.TokenLogprob;
import java.util.ArrayList;
import java.util.List;

/** A job's answer as the runner's pieces make it: the text, and each token's log probability where asked for. */
final class Answer {

    private final StringBuilder text = new StringBuilder();
    private final List<TokenLogprob> logprobs = new ArrayList<>();

    void add(TextPiece piece) {
        text.append(piece.getText());
        logprobs.addAll(piece.getLogprobsList());
    }

    String text() {
        return text.toString();
    }

    List<TokenLogprob> logprobs() {
        return logprobs;
    }
}
