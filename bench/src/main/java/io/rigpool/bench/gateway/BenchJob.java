package io.rigpool.bench.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One job of the benchmark, asked the same way of the pipeline and of llama.cpp directly: a one-line chat, a fixed
 * temperature and its own seed. Jobs differ in topic, so that consecutive jobs do not reuse a cached prompt.
 */
record BenchJob(int seed, String content, int maxTokens) {

    static final float TEMPERATURE = 0.7f;
    private static final String[] TOPICS = {"the rig", "the pool", "the gpu", "the model", "the game", "the card",
        "the fan", "the night", "the sea", "the tree"};
    private static final ObjectMapper JSON = new ObjectMapper();

    static BenchJob of(int seed, int maxTokens) {
        return new BenchJob(seed, "tell me of " + TOPICS[Math.floorMod(seed, TOPICS.length)], maxTokens);
    }

    /** The body of an OpenAI chat completion (or a rigpool job: the same fields) for the gateway. */
    byte[] requestBody(String modelId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", modelId);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        body.put("max_tokens", maxTokens);
        body.put("temperature", TEMPERATURE);
        body.put("seed", seed);
        return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
