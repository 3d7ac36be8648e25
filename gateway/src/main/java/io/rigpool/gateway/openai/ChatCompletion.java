package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.events.JobOutcome;
import java.util.List;

/** OpenAI's {@code chat.completion} object: the answer to a chat completion that did not stream. */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
        Usage usage, @JsonProperty("system_fingerprint") String systemFingerprint) {

    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {
    }

    public record Message(String role, String content, @JsonInclude(JsonInclude.Include.ALWAYS) String refusal) {
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

    static ChatCompletion of(String id, long created, String model, JobOutcome outcome) {
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", outcome.textOrEmpty(), null),
                        FinishReasons.of(outcome.finishReason()), null)),
                Usage.of(outcome), null);
    }
}
