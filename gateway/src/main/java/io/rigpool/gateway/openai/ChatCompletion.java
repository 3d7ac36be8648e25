package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.events.JobOutcome;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.List;

/** OpenAI's {@code chat.completion} object: the answer to a chat completion that did not stream. */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
        Usage usage, @JsonProperty("system_fingerprint") String systemFingerprint) {

    /** @param logprobs null unless the request asked for logprobs */
    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) Logprobs logprobs) {
    }

    /** @param content null when the answer is calls of tools and no text, as OpenAI sends it */
    public record Message(String role, @JsonInclude(JsonInclude.Include.ALWAYS) String content,
            @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
    }

    /** OpenAI's {@code choices[].logprobs}: the answer's tokens; rigpool's models make no refusals. */
    public record Logprobs(List<TokenLogprob> content,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<TokenLogprob> refusal) {

        static Logprobs of(boolean asked, List<TokenLogprob> tokens) {
            return asked ? new Logprobs(tokens, null) : null;
        }
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(JobOutcome outcome) {
            int prompt = outcome.promptTokens() == null ? 0 : outcome.promptTokens();
            int completion = outcome.completionTokens() == null ? 0 : outcome.completionTokens();
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    /** @param logprobs whether the request asked for logprobs */
    static ChatCompletion of(String id, long created, String model, boolean logprobs, JobOutcome outcome) {
        String content = outcome.toolCalls().isEmpty() || !outcome.textOrEmpty().isEmpty()
                ? outcome.textOrEmpty() : null;
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", content, null, outcome.toolCalls()),
                        FinishReasons.of(outcome.finishReason()), Logprobs.of(logprobs, outcome.logprobs()))),
                Usage.of(outcome), null);
    }
}
