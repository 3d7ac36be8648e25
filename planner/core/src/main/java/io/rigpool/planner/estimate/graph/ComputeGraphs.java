package io.rigpool.planner.estimate.graph;

import io.rigpool.planner.estimate.ModelGeometry;

/**
 * Compute-buffer sizes from a replay of llama.cpp's worst-case graph and its allocator (see
 * {@link TransformerGraph} and {@link GraphAllocator}).
 */
public final class ComputeGraphs {

    private ComputeGraphs() {
    }

    /**
     * Bytes of the compute buffer when every op runs on one backend with the given alignment. llama.cpp b4916
     * reserves the prompt graph, then the one-token graph, then the prompt graph again, and keeps the largest
     * buffer; its one-token graph still carries the prompt's output count (n_outputs is not reset in between), so
     * its last layer gathers rows for all of them and its logits are as wide as the prompt's.
     */
    public static long singleBackendBytes(ModelGeometry model, GraphParameters parameters, long alignment) {
        if (!replayable(model)) {
            return approximateBytes(model, parameters);
        }
        long prompt = TransformerGraph.computeBufferBytes(model, parameters, alignment);
        GraphParameters oneToken = new GraphParameters(parameters.kvSize(), 1, parameters.outputs(),
                parameters.flashAttention(), parameters.typeK(), parameters.typeV());
        return Math.max(prompt, TransformerGraph.computeBufferBytes(model, oneToken, alignment));
    }

    /** Whether the replay for this model is llama.cpp's own graph rather than an approximation. */
    public static boolean exactFor(ModelGeometry model) {
        return TransformerGraph.knows(model.architecture()) && replayable(model);
    }

    /**
     * Whether the llama-style graph can be built from this model's tensors (a mixture-of-experts model or an
     * unusual layout has other tensors, and gets {@link #approximateBytes} instead).
     */
    static boolean replayable(ModelGeometry model) {
        for (int il = 0; il < model.layers(); il++) {
            String b = "blk." + il + ".";
            boolean attention = model.hasTensor(b + "attn_qkv.weight") || (model.hasTensor(b + "attn_q.weight")
                    && model.hasTensor(b + "attn_k.weight") && model.hasTensor(b + "attn_v.weight"));
            if (!attention || !model.hasTensor(b + "attn_output.weight") || !model.hasTensor(b + "ffn_up.weight")
                    || !model.hasTensor(b + "ffn_down.weight")) {
                return false;
            }
        }
        return model.hasTensor("token_embd.weight");
    }

    /**
     * For graphs the replay cannot build, and every graph of a build after b4916: the largest of the three stages
     * that set the peak in every replayed architecture (attention scores, feed-forward activations, logits of the
     * graph's outputs), each with the residual stream and the mask live beside it.
     */
    public static long approximateBytes(ModelGeometry m, GraphParameters p) {
        long t = p.tokens();
        long maxHeads = 1;
        long maxFeedForward = 1;
        for (int il = 0; il < m.layers(); il++) {
            maxHeads = Math.max(maxHeads, m.heads(il));
            maxFeedForward = Math.max(maxFeedForward, m.feedForward(il));
        }
        long residual = 2 * m.embedding() * t * 4;
        long mask = p.kvSize() * ((t + 63) / 64 * 64) * 4;
        long attention = p.flashAttention() ? maxHeads * m.valueLength() * t * 4
                : p.kvSize() * t * maxHeads * 4 + maxHeads * m.keyLength() * t * 4;
        long feedForward = Math.max(3 * maxFeedForward * t * 4, expertFeedForwardBytes(m, t));
        long logits = m.vocabulary() * p.outputs() * 4;
        return mask + residual + Math.max(attention, Math.max(feedForward, logits));
    }

    /**
     * A mixture-of-experts layer's activations: each token's gate, up and down outputs for every expert it is
     * routed to, the router's logits and weights over all experts, and the routed outputs before they are summed.
     */
    static long expertFeedForwardBytes(ModelGeometry m, long tokens) {
        if (m.expertCount() == 0) {
            return 0;
        }
        long expertWidth = 0;
        for (ModelGeometry.Weight w : m.weights()) {
            if (w.dims().length == 3 && w.name().endsWith("ffn_up_exps.weight")) {
                expertWidth = Math.max(expertWidth, w.dims()[1]);
            } else if (w.dims().length == 3 && w.name().endsWith("ffn_gate_up_exps.weight")) {
                expertWidth = Math.max(expertWidth, w.dims()[1] / 2);
            }
        }
        long used = Math.max(1, m.expertUsedCount());
        long routed = 3 * expertWidth * used * tokens + m.embedding() * used * tokens;
        long router = 2L * m.expertCount() * tokens;
        return (routed + router) * 4;
    }
}
