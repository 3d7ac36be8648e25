package io.rigpool.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Set;

/**
 * One turn of a chat: who spoke and what was said; an assistant turn may hold the calls of tools it made, and a
 * {@code tool} turn answers one of them.
 *
 * @param toolCalls an assistant turn's calls of tools; empty for every other turn
 * @param toolCallId the call a {@code tool} turn answers; null for every other turn
 */
public record ChatMessage(String role, String content,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls,
        @JsonInclude(JsonInclude.Include.NON_NULL) String toolCallId) {

    /** The roles a chat template knows how to place. */
    public static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    public static final String TOOL = "tool";

    public ChatMessage {
        // Null from rows stored before tool calls existed.
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    /** Whether this turn belongs to a conversation with tools, which only some engines can render. */
    public boolean aboutTools() {
        return role.equals(TOOL) || !toolCalls.isEmpty();
    }
}
