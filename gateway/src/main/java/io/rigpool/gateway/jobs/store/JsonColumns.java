package io.rigpool.gateway.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobTimings;
import io.rigpool.gateway.jobs.TokenLogprob;
import io.rigpool.gateway.jobs.ToolCall;
import java.util.List;

/**
 * The jobs table's jsonb columns, written and read by one plain Jackson mapper: not the one tuned for REST answers,
 * so a change to how the API shows a value cannot change what is stored.
 */
final class JsonColumns {

    static final TypeReference<List<ChatMessage>> MESSAGES = new TypeReference<>() {
    };
    static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    static final TypeReference<GenerationOptions> OPTIONS = new TypeReference<>() {
    };
    static final TypeReference<JobTimings> TIMINGS = new TypeReference<>() {
    };
    static final TypeReference<List<TokenLogprob>> LOGPROBS = new TypeReference<>() {
    };
    static final TypeReference<List<ToolCall>> TOOL_CALLS = new TypeReference<>() {
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonColumns() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null for SQL NULL. */
    static <T> T read(String text, TypeReference<T> type) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column: " + e.getOriginalMessage(), e);
        }
    }
}
