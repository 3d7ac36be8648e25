package io.rigpool.gateway.openai;

/** Maps a worker's finish reason onto OpenAI's: {@code length} when max_tokens cut the answer, else {@code stop}. */
final class FinishReasons {

    private FinishReasons() {
    }

    static String of(String workerReason) {
        return "length".equals(workerReason) ? "length" : "stop";
    }
}
