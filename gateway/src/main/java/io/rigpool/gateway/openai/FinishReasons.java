package io.rigpool.gateway.openai;

/**
 * Maps a worker's finish reason onto OpenAI's: {@code length} when max_tokens cut the answer, {@code tool_calls}
 * when the answer is calls of tools, else {@code stop}.
 */
final class FinishReasons {

    static final String TOOL_CALLS = "tool_calls";

    private FinishReasons() {
    }

    static String of(String workerReason) {
        return switch (workerReason == null ? "" : workerReason) {
            case "length" -> "length";
            case TOOL_CALLS -> TOOL_CALLS;
            default -> "stop";
        };
    }
}
