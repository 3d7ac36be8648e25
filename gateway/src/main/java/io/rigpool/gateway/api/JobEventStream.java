package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rigpool.gateway.events.JobListener;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.events.StreamAssembler;

/**
 * A job's events as {@code GET /v1/jobs/{id}/events} sends them:
 *
 * <pre>
 * event: token
 * id: 0
 * data: {"seq":0,"text":"Hel"}
 *
 * event: done
 * data: {"id":"...","status":"succeeded","result":{"text":"Hello","finish_reason":"stop"},"usage":{...}}
 * </pre>
 *
 * The event id is the token's number, so a client that reconnects with {@code Last-Event-ID} gets only later
 * tokens. Whatever part of the final text was not streamed comes as one last token before {@code done}.
 */
final class JobEventStream implements JobListener {

    /** What {@code done} carries: how the job ended. */
    record Done(String id, String status, @JsonInclude(JsonInclude.Include.NON_NULL) JobView.Result result,
            @JsonInclude(JsonInclude.Include.NON_NULL) JobView.Usage usage, String error) {
    }

    record Token(int seq, String text) {
    }

    private final String jobId;
    private final SseStream sse;
    private final JsonWriter json;
    private final int lastSeenSeq;
    private final StreamAssembler assembler = new StreamAssembler();
    private int nextSeq;

    /** @param lastSeenSeq the client's {@code Last-Event-ID}: tokens up to it are not sent again; -1 for none */
    JobEventStream(String jobId, SseStream sse, JsonWriter json, int lastSeenSeq) {
        this.jobId = jobId;
        this.sse = sse;
        this.json = json;
        this.lastSeenSeq = lastSeenSeq;
    }

    @Override
    public void onToken(int seq, String text) {
        assembler.streamed(text);
        nextSeq = seq + 1;
        if (seq > lastSeenSeq) {
            sse.event("token", Integer.toString(seq), json.text(new Token(seq, text)));
        }
    }

    @Override
    public void onFinished(JobOutcome outcome) {
        String rest = assembler.rest(outcome.text());
        if (!rest.isEmpty() && nextSeq > lastSeenSeq) {
            sse.event("token", Integer.toString(nextSeq), json.text(new Token(nextSeq, rest)));
        }
        boolean done = outcome.status().terminal();
        sse.event("done", null, json.text(new Done(jobId, outcome.status().wireName(),
                done ? new JobView.Result(outcome.text(), outcome.finishReason(), outcome.logprobs().isEmpty() ? null
                        : new JobView.Logprobs(outcome.logprobs()), outcome.toolCalls()) : null,
                done ? new JobView.Usage(outcome.promptTokens(), outcome.completionTokens()) : null,
                outcome.error())));
        sse.end();
    }
}
