package io.rigpool.planner.estimate.graph;

import io.rigpool.gguf.GgmlType;

/**
 * The context settings that shape llama.cpp's worst-case graph.
 *
 * @param kvSize cells of the KV cache (n_ctx after llama.cpp's padding); the reserve graph attends to all of them
 * @param tokens tokens of the micro-batch, min(n_ctx, n_ubatch)
 * @param outputs rows of logits the graph computes (all tokens in the reserve graph)
 */
public record GraphParameters(long kvSize, long tokens, long outputs, boolean flashAttention, GgmlType typeK,
        GgmlType typeV) {
}
