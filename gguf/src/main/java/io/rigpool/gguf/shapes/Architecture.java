package io.rigpool.gguf.shapes;

import io.rigpool.gguf.write.GgufWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensor layouts and hyperparameter keys of the architectures the catalogue covers, as llama.cpp expects them
 * (llama-model.cpp {@code load_hparams} and {@code load_tensors}; for the architectures b4916 does not know, the
 * per-architecture {@code src/models/*.cpp} of the 2026-09-28 snapshot): a missing, extra or misshapen tensor fails
 * the load, so each list is exactly what that build creates.
 */
public enum Architecture {
    /** Llama 2/3, Mistral. */
    LLAMA("llama"),
    /** Qwen 2 / 2.5: biases on Q, K and V. */
    QWEN2("qwen2"),
    /** Gemma 2: tied embedding, post-attention and post-FFN norms, logit soft-capping, sliding window. */
    GEMMA2("gemma2"),
    /** Phi-3: fused QKV and fused gate/up. */
    PHI3("phi3"),
    /** Qwen 3: as Llama, with RMS norms on each head's Q and K. Not in b4916. */
    QWEN3("qwen3"),
    /** Qwen 3 mixture of experts: Qwen 3's attention, a router and routed experts instead of one FFN. */
    QWEN3MOE("qwen3moe"),
    /**
     * gpt-oss: biases everywhere, attention sinks, alternating sliding-window layers, routed experts with biases.
     * Not in b4916.
     */
    GPT_OSS("gpt-oss"),
    /** Gemma 3: Gemma 2's norms plus Q/K norms, five sliding-window layers to each global one. */
    GEMMA3("gemma3");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** {@code general.architecture}. */
    public String id() {
        return id;
    }

    private boolean gemma() {
        return this == GEMMA2 || this == GEMMA3;
    }

    private boolean qkNorms() {
        return this == QWEN3 || this == QWEN3MOE || this == GEMMA3;
    }

    void writeHyperparameters(GgufWriter gguf, Hyperparameters h, int vocabulary) {
        gguf.putUint32(id + ".context_length", h.contextLength())
                .putUint32(id + ".embedding_length", h.embedding())
                .putUint32(id + ".block_count", h.blockCount())
                .putUint32(id + ".feed_forward_length", h.feedForward())
                .putUint32(id + ".attention.head_count", h.heads())
                .putUint32(id + ".attention.head_count_kv", h.kvHeads())
                .putFloat32(id + ".attention.layer_norm_rms_epsilon", h.normEpsilon());
        if (this != GEMMA2) {
            gguf.putFloat32(id + ".rope.freq_base", h.ropeFrequencyBase());
        }
        if (!gemma()) {
            gguf.putUint32(id + ".rope.dimension_count", h.ropeDimension());
        }
        if (this == LLAMA) {
            gguf.putUint32(id + ".vocab_size", vocabulary);
        }
        if (h.keyLength() * h.heads() != h.embedding() || gemma()) {
            gguf.putUint32(id + ".attention.key_length", h.keyLength());
            gguf.putUint32(id + ".attention.value_length", h.valueLength());
        }
        if (this == GEMMA2) {
            gguf.putUint32(id + ".attention.sliding_window", h.slidingWindow());
            gguf.putFloat32(id + ".attn_logit_softcapping", 50.0);
            gguf.putFloat32(id + ".final_logit_softcapping", 30.0);
        }
        if (this == PHI3 || this == GEMMA3 || this == GPT_OSS) {
            gguf.putUint32(id + ".attention.sliding_window", h.slidingWindow());
        }
        if (h.mixtureOfExperts()) {
            gguf.putUint32(id + ".expert_count", h.expertCount())
                    .putUint32(id + ".expert_used_count", h.expertUsedCount())
                    .putUint32(id + ".expert_feed_forward_length", h.expertFeedForward());
        }
        if (this == GPT_OSS) {
            // YaRN from 4k to the 128k context; the memory does not depend on it, the loader reads it.
            gguf.putString(id + ".rope.scaling.type", "yarn")
                    .putFloat32(id + ".rope.scaling.factor", 32)
                    .putUint32(id + ".rope.scaling.original_context_length", 4096);
        }
    }

    /** Every tensor of the model, unquantized, in no particular order. */
    List<TensorShape> tensors(Hyperparameters h, int vocabulary, boolean tiedEmbedding) {
        long e = h.embedding();
        List<TensorShape> t = new ArrayList<>();
        t.add(TensorShape.weight("token_embd.weight", e, vocabulary));
        t.add(TensorShape.vector("output_norm.weight", e));
        if (!tiedEmbedding) {
            t.add(TensorShape.weight("output.weight", e, vocabulary));
        }
        if (h.ropeFrequencyTable()) {
            t.add(TensorShape.vector("rope_freqs.weight", h.ropeDimension() / 2));
        }
        for (int layer = 0; layer < h.blockCount(); layer++) {
            String p = "blk." + layer + ".";
            t.add(TensorShape.vector(p + "attn_norm.weight", e));
            if (this == GPT_OSS) {
                gptOssLayer(t, p, h);
                continue;
            }
            t.add(TensorShape.vector(p + "ffn_norm.weight", e));
            if (qkNorms()) {
                t.add(TensorShape.vector(p + "attn_q_norm.weight", h.keyLength()));
                t.add(TensorShape.vector(p + "attn_k_norm.weight", h.keyLength()));
            }
            if (this == QWEN3MOE) {
                attention(t, p, h);
                experts(t, p, h);
                continue;
            }
            t.add(TensorShape.weight(p + "ffn_down.weight", h.feedForward(), e));
            if (this == PHI3) {
                t.add(TensorShape.weight(p + "attn_qkv.weight", e, h.queryWidth() + h.kvWidthK() + h.kvWidthV()));
                t.add(TensorShape.weight(p + "attn_output.weight", h.queryWidth(), e));
                t.add(TensorShape.weight(p + "ffn_up.weight", e, 2L * h.feedForward()));
                continue;
            }
            attention(t, p, h);
            t.add(TensorShape.weight(p + "ffn_gate.weight", e, h.feedForward()));
            t.add(TensorShape.weight(p + "ffn_up.weight", e, h.feedForward()));
            if (this == QWEN2) {
                t.add(TensorShape.vector(p + "attn_q.bias", h.queryWidth()));
                t.add(TensorShape.vector(p + "attn_k.bias", h.kvWidthK()));
                t.add(TensorShape.vector(p + "attn_v.bias", h.kvWidthV()));
            }
            if (gemma()) {
                t.add(TensorShape.vector(p + "post_attention_norm.weight", e));
                t.add(TensorShape.vector(p + "post_ffw_norm.weight", e));
            }
        }
        return t;
    }

    private static void attention(List<TensorShape> t, String p, Hyperparameters h) {
        long e = h.embedding();
        t.add(TensorShape.weight(p + "attn_q.weight", e, h.queryWidth()));
        t.add(TensorShape.weight(p + "attn_k.weight", e, h.kvWidthK()));
        t.add(TensorShape.weight(p + "attn_v.weight", e, h.kvWidthV()));
        t.add(TensorShape.weight(p + "attn_output.weight", h.queryWidth(), e));
    }

    /** The router (kept at F32 by the converter, never quantized) and the routed experts, one 3-D tensor each. */
    private static void experts(List<TensorShape> t, String p, Hyperparameters h) {
        long e = h.embedding();
        t.add(TensorShape.vector(p + "ffn_gate_inp.weight", e, h.expertCount()));
        t.add(TensorShape.weight(p + "ffn_gate_exps.weight", e, h.expertFeedForward(), h.expertCount()));
        t.add(TensorShape.weight(p + "ffn_up_exps.weight", e, h.expertFeedForward(), h.expertCount()));
        t.add(TensorShape.weight(p + "ffn_down_exps.weight", h.expertFeedForward(), e, h.expertCount()));
    }

    /** gpt-oss (llama_model_openai_moe::load_arch_tensors): biased attention with sinks, biased experts. */
    private static void gptOssLayer(List<TensorShape> t, String p, Hyperparameters h) {
        long e = h.embedding();
        t.add(TensorShape.vector(p + "post_attention_norm.weight", e));
        attention(t, p, h);
        t.add(TensorShape.vector(p + "attn_q.bias", h.queryWidth()));
        t.add(TensorShape.vector(p + "attn_k.bias", h.kvWidthK()));
        t.add(TensorShape.vector(p + "attn_v.bias", h.kvWidthV()));
        t.add(TensorShape.vector(p + "attn_output.bias", e));
        t.add(TensorShape.vector(p + "attn_sinks.weight", h.heads()));
        experts(t, p, h);
        t.add(TensorShape.vector(p + "ffn_gate_inp.bias", h.expertCount()));
        t.add(TensorShape.vector(p + "ffn_gate_exps.bias", h.expertFeedForward(), h.expertCount()));
        t.add(TensorShape.vector(p + "ffn_up_exps.bias", h.expertFeedForward(), h.expertCount()));
        t.add(TensorShape.vector(p + "ffn_down_exps.bias", e, h.expertCount()));
    }
}
