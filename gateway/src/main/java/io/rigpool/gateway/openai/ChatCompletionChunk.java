package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.List;

/** OpenAI's {@code chat.completion.chunk}: one server-sent event of a streaming chat completion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        ChatCompletion.Usage usage) {

    /**
     * {@code finish_reason} is null until the last choice, and OpenAI sends the null, so it is always written.
     *
     * @param logprobs the tokens this chunk's delta came from; null unless the request asked for logprobs
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(int index, Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason,
            ChatCompletion.Logprobs logprobs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {

        public Delta(String role, String content) {
            this(role, content, null);
        }
    }

    /** A call of a tool in a stream: rigpool sends each call whole, in one delta, under its index. */
    public record ToolCallDelta(int index, String id, String type, ToolCall.Function function) {
    }
}
