package io.rigpool.planner.estimate;

import io.rigpool.planner.estimate.graph.GraphParameters;

/**
 * The compute buffer of the 2026-09 build's worst-case graph on one backend, modelled rather than replayed: the
 * larger of its attention and feed-forward stages, each with the graph's masks live beside it. Fitted to that
 * build's llama-server on Qwen3-8B, Qwen3-30B-A3B, Gemma-3-12B and gpt-oss-20b (16 loads; with flash attention
 * every one within 5 MiB, see bench/results/estimator.json), so it states llama.cpp's shape of the graph in a few
 * terms rather than every tensor:
 * <ul>
 * <li>masks: one per attention kind (full, and sliding window where the model has it), over one slot's stream of
 *     cells by the micro-batch's tokens, F16 with flash attention, F32 without;</li>
 * <li>feed-forward stage: four activations as wide as the embedding, and for a dense model gate, up and their
 *     product ({@code 3 × n_ff}); for a mixture of experts the larger of that for the routed experts
 *     ({@code 3 × expert_ff × used}) and the down projection's input with its routed and weighted outputs
 *     ({@code expert_ff × used + 2 × n_embd × used});</li>
 * <li>attention stage without flash attention: the scores of every head over the full stream
 *     ({@code cells × tokens × heads}) and five query-wide activations; with flash attention it is never the
 *     larger.</li>
 * </ul>
 */
final class SnapshotComputeModel {

    private static final long STREAM_PADDING = 256;
    private static final long MASK_ROW_PADDING = 64;

    private SnapshotComputeModel() {
    }

    static long bytes(ModelGeometry m, GraphParameters p) {
        long t = p.tokens();
        long rows = (t + MASK_ROW_PADDING - 1) / MASK_ROW_PADDING * MASK_ROW_PADDING;
        long maskElement = p.flashAttention() ? 2 : 4;
        long masks = p.kvSize() * rows * maskElement;
        if (hasSlidingLayers(m)) {
            long window = Math.min(p.kvSize(), m.slidingWindow() + t);
            long windowCells = (window + STREAM_PADDING - 1) / STREAM_PADDING * STREAM_PADDING;
            masks += Math.min(p.kvSize(), windowCells) * rows * maskElement;
        }
        long embedding = m.embedding() * t * 4;
        long feedForward = 4 * embedding + feedForward(m, t);
        long largest = feedForward;
        if (!p.flashAttention()) {
            int heads = maxHeads(m);
            long query = heads * m.keyLength() * t * 4;
            largest = Math.max(largest, p.kvSize() * t * heads * 4 + 5 * query);
        }
        // The logits of one row per slot are a stage of their own, far smaller than the others.
        return masks + Math.max(largest, m.vocabulary() * p.outputs() * 4);
    }

    private static long feedForward(ModelGeometry m, long t) {
        long expertWidth = expertWidth(m);
        if (m.expertCount() == 0 || expertWidth == 0) {
            long width = 0;
            for (int il = 0; il < m.layers(); il++) {
                width = Math.max(width, m.feedForward(il));
            }
            return 3 * width * t * 4;
        }
        long used = Math.max(1, m.expertUsedCount());
        long routed = expertWidth * used * t * 4;
        long routedOutputs = m.embedding() * used * t * 4;
        return Math.max(3 * routed, routed + 2 * routedOutputs);
    }

    private static long expertWidth(ModelGeometry m) {
        long width = 0;
        for (ModelGeometry.Weight w : m.weights()) {
            if (w.dims().length == 3 && w.name().endsWith("ffn_up_exps.weight")) {
                width = Math.max(width, w.dims()[1]);
            } else if (w.dims().length == 3 && w.name().endsWith("ffn_gate_up_exps.weight")) {
                width = Math.max(width, w.dims()[1] / 2);
            }
        }
        return width;
    }

    private static boolean hasSlidingLayers(ModelGeometry m) {
        for (int il = 0; il < m.layers(); il++) {
            if (LlamaBuild.slidingWindow(m, il)) {
                return true;
            }
        }
        return false;
    }

    private static int maxHeads(ModelGeometry m) {
        int heads = 1;
        for (int il = 0; il < m.layers(); il++) {
            heads = Math.max(heads, m.heads(il));
        }
        return heads;
    }
}
