package io.rigpool.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** OpenAI's {@code chat.completion.chunk}: one server-sent event of a streaming chat completion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        ChatCompletion.Usage usage) {

    /** {@code finish_reason} is null until the last choice, and OpenAI sends the null, so it is always written. */
    public record Choice(int index, Delta delta,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {
    }
}
