package io.rigpool.gateway.openai;

import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.JsonWriter;
import io.rigpool.gateway.events.JobListener;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.events.StreamAssembler;
import io.rigpool.gateway.jobs.JobStatus;
import java.util.List;
import java.util.Map;

/**
 * A job's tokens as OpenAI's streaming chat completion: a first chunk with the role, one chunk per token, a last
 * chunk with the finish reason, optionally a chunk with the usage, then {@code data: [DONE]}. A job that fails
 * ends the stream with an error event, as OpenAI's does.
 */
final class ChatStream implements JobListener {

    static final String DONE = "[DONE]";

    private final SseStream sse;
    private final JsonWriter json;
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    private final StreamAssembler assembler = new StreamAssembler();
    private volatile boolean finished;

    ChatStream(SseStream sse, JsonWriter json, String id, long created, String model, boolean includeUsage) {
        this.sse = sse;
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
        send(new ChatCompletionChunk.Delta("assistant", ""), null, null);
    }

    @Override
    public void onToken(int seq, String text) {
        assembler.streamed(text);
        if (!text.isEmpty()) {
            send(new ChatCompletionChunk.Delta(null, text), null, null);
        }
    }

    @Override
    public void onFinished(JobOutcome outcome) {
        finished = true;
        if (outcome.status() == JobStatus.FAILED) {
            ApiException failure = ChatFailures.jobFailed(outcome);
            sse.data(json.text(Map.of("error", failure.body().error())));
            sse.end();
            return;
        }
        String rest = assembler.rest(outcome.text());
        if (!rest.isEmpty()) {
            send(new ChatCompletionChunk.Delta(null, rest), null, null);
        }
        send(new ChatCompletionChunk.Delta(null, null), FinishReasons.of(outcome.finishReason()), null);
        if (includeUsage) {
            sse.data(json.text(new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(),
                    ChatCompletion.Usage.of(outcome))));
        }
        sse.data(DONE);
        sse.end();
    }

    boolean finished() {
        return finished;
    }

    private void send(ChatCompletionChunk.Delta delta, String finishReason, ChatCompletion.Usage usage) {
        sse.data(json.text(new ChatCompletionChunk(id, "chat.completion.chunk", created, model,
                List.of(new ChatCompletionChunk.Choice(0, delta, finishReason)), usage)));
    }
}
