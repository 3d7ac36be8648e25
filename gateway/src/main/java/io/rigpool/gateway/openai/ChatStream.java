package io.rigpool.gateway.openai;

import io.rigpool.gateway.api.ApiException;
import io.rigpool.gateway.api.JsonWriter;
import io.rigpool.gateway.events.JobListener;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.events.SseStream;
import io.rigpool.gateway.events.StreamAssembler;
import io.rigpool.gateway.jobs.JobStatus;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A job's tokens as OpenAI's streaming chat completion: a first chunk with the role, one chunk per token (with its
 * logprobs where asked for), the calls of tools whole in one chunk once the job ends, a last chunk with the finish
 * reason, optionally a chunk with the usage, then {@code data: [DONE]}. A job that fails
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
    private final boolean logprobs;
    private final StreamAssembler assembler = new StreamAssembler();
    private int streamedLogprobs;
    private volatile boolean finished;

    /** @param logprobs whether the request asked for logprobs: each chunk then carries its tokens */
    ChatStream(SseStream sse, JsonWriter json, String id, long created, String model, boolean includeUsage,
            boolean logprobs) {
        this.sse = sse;
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
        this.logprobs = logprobs;
        send(new ChatCompletionChunk.Delta("assistant", ""), null, List.of());
    }

    @Override
    public void onPiece(int seq, String text, List<TokenLogprob> tokens) {
        assembler.streamed(text);
        streamedLogprobs += tokens.size();
        if (!text.isEmpty() || logprobs && !tokens.isEmpty()) {
            send(new ChatCompletionChunk.Delta(null, text), null, tokens);
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
        List<TokenLogprob> all = outcome.logprobs();
        List<TokenLogprob> restTokens = all.subList(Math.min(streamedLogprobs, all.size()), all.size());
        if (!rest.isEmpty() || logprobs && !restTokens.isEmpty()) {
            send(new ChatCompletionChunk.Delta(null, rest), null, restTokens);
        }
        if (!outcome.toolCalls().isEmpty()) {
            List<ToolCall> calls = outcome.toolCalls();
            List<ChatCompletionChunk.ToolCallDelta> deltas = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                deltas.add(new ChatCompletionChunk.ToolCallDelta(i, calls.get(i).id(), calls.get(i).type(),
                        calls.get(i).function()));
            }
            send(new ChatCompletionChunk.Delta(null, null, deltas), null, List.of());
        }
        send(new ChatCompletionChunk.Delta(null, null), FinishReasons.of(outcome.finishReason()), List.of());
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

    private void send(ChatCompletionChunk.Delta delta, String finishReason, List<TokenLogprob> tokens) {
        ChatCompletion.Logprobs chunkLogprobs = logprobs && !tokens.isEmpty()
                ? ChatCompletion.Logprobs.of(true, tokens) : null;
        sse.data(json.text(new ChatCompletionChunk(id, "chat.completion.chunk", created, model,
                List.of(new ChatCompletionChunk.Choice(0, delta, finishReason, chunkLogprobs)), null)));
    }
}
