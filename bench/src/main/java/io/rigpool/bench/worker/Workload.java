package io.rigpool.bench.worker;

import io.rigpool.proto.v1.ChatMessage;
import java.util.List;

/**
 * What every path of the benchmark is asked to do: the same chat, the same length, the same sampling.
 *
 * @param threads llama.cpp threads, the same for the in-process loop and the runner
 * @param slots   parallel slots of the loaded model (the runner is loaded once with enough for the largest
 *                concurrency; the in-process loop gets the same, so both decode with the same KV cache layout)
 * @param slotContext tokens of context per slot
 * @param tokens  tokens each job generates
 */
record Workload(int threads, int slots, int slotContext, int tokens) {

    static final float TEMPERATURE = 0.7f;
    /** Words of the tiny vocabulary, so that the prompt stays short (about 20 tokens with the chat template). */
    private static final String[] TOPICS = {"the rig", "the pool", "the gpu", "the model", "the game", "the card",
        "the fan", "the night", "the sea", "the tree"};

    int contextSize() {
        return slots * slotContext;
    }

    /** A short chat; jobs differ in topic and seed, so no two share a cached prompt by accident. */
    static List<ChatMessage> messages(int job) {
        return List.of(ChatMessage.newBuilder().setRole("user")
                .setContent("tell me of " + TOPICS[Math.floorMod(job, TOPICS.length)]).build());
    }
}
