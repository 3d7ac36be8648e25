package io.rigpool.gguf.shapes;

import io.rigpool.gguf.write.GgufWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensor layouts and hyperparameter keys of the architectures the catalogue covers, as llama.cpp b4916 expects
 * them (llama-model.cpp {@code load_hparams} and {@code load_tensors}): a missing, extra or misshapen tensor fails
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
    PHI3("phi3");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** {@code general.architecture}. */
    public String id() {
        return id;
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
            gguf.putUint32(id + ".rope.dimension_count", h.ropeDimension());
        }
        if (this == LLAMA) {
            gguf.putUint32(id + ".vocab_size", vocabulary);
        }
        if (h.keyLength() * h.heads() != h.embedding() || this == GEMMA2) {
            gguf.putUint32(id + ".attention.key_length", h.keyLength());
            gguf.putUint32(id + ".attention.value_length", h.valueLength());
        }
        if (this == GEMMA2) {
            gguf.putUint32(id + ".attention.sliding_window", h.slidingWindow());
            gguf.putFloat32(id + ".attn_logit_softcapping", 50.0);
            gguf.putFloat32(id + ".final_logit_softcapping", 30.0);
        }
        if (this == PHI3) {
            gguf.putUint32(id + ".attention.sliding_window", h.slidingWindow());
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
            t.add(TensorShape.vector(p + "ffn_norm.weight", e));
            t.add(TensorShape.weight(p + "ffn_down.weight", h.feedForward(), e));
            if (this == PHI3) {
                t.add(TensorShape.weight(p + "attn_qkv.weight", e, h.queryWidth() + h.kvWidthK() + h.kvWidthV()));
                t.add(TensorShape.weight(p + "attn_output.weight", h.queryWidth(), e));
                t.add(TensorShape.weight(p + "ffn_up.weight", e, 2L * h.feedForward()));
                continue;
            }
            t.add(TensorShape.weight(p + "attn_q.weight", e, h.queryWidth()));
            t.add(TensorShape.weight(p + "attn_k.weight", e, h.kvWidthK()));
            t.add(TensorShape.weight(p + "attn_v.weight", e, h.kvWidthV()));
            t.add(TensorShape.weight(p + "attn_output.weight", h.queryWidth(), e));
            t.add(TensorShape.weight(p + "ffn_gate.weight", e, h.feedForward()));
            t.add(TensorShape.weight(p + "ffn_up.weight", e, h.feedForward()));
            if (this == QWEN2) {
                t.add(TensorShape.vector(p + "attn_q.bias", h.queryWidth()));
                t.add(TensorShape.vector(p + "attn_k.bias", h.kvWidthK()));
                t.add(TensorShape.vector(p + "attn_v.bias", h.kvWidthV()));
            }
            if (this == GEMMA2) {
                t.add(TensorShape.vector(p + "post_attention_norm.weight", e));
                t.add(TensorShape.vector(p + "post_ffw_norm.weight", e));
            }
        }
        return t;
    }
}
