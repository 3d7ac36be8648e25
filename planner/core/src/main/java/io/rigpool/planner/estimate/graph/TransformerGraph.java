package io.rigpool.planner.estimate.graph;

import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.ModelGeometry;

/**
 * Builds the graph llama.cpp b4916 reserves its compute buffer for, for the decoder-only architectures the
 * estimator knows (llama, which covers Llama 2/3 and Mistral, qwen2, gemma2, phi3), in the order
 * ggml_build_forward_expand visits it: per layer first Q, K and V, then the two KV-cache stores, then attention,
 * then the rest through the next layer's Q. Other dense architectures get the llama graph as an approximation.
 */
final class TransformerGraph {

    /** GGML_KQ_MASK_PAD of b4916. */
    private static final long KQ_MASK_PAD = 64;

    private final GraphBuilder g = new GraphBuilder();
    private final ModelGeometry m;
    private final GraphParameters p;
    private final String arch;
    private Tensor mask;
    private Tensor maskSwa;

    private TransformerGraph(ModelGeometry model, GraphParameters parameters) {
        this.m = model;
        this.p = parameters;
        this.arch = model.architecture();
    }

    /** Whether the graph below is llama.cpp's own for this architecture rather than the llama approximation. */
    static boolean knows(String architecture) {
        return switch (architecture) {
            case "llama", "qwen2", "gemma2", "phi3" -> true;
            default -> false;
        };
    }

    /** The CPU compute buffer llama.cpp reserves: the allocator's high-water mark over the worst-case graph. */
    static long computeBufferBytes(ModelGeometry model, GraphParameters parameters, long alignment) {
        TransformerGraph graph = new TransformerGraph(model, parameters);
        graph.build();
        return GraphAllocator.bufferSize(graph.g, alignment);
    }

    private void build() {
        long n = p.tokens();
        Tensor tokens = g.input("inp_tokens", GgmlType.I32, n);
        Tensor inpL = g.getRows(weight("token_embd.weight"), tokens);
        if (arch.equals("gemma2")) {
            inpL = g.scale(inpL);
        }
        Tensor positions = g.input("inp_pos", GgmlType.I32, n);
        mask = maskInput("kq_mask");
        if (arch.equals("gemma2") || arch.equals("phi3")) {
            maskSwa = maskInput("kq_mask_swa");
        }
        for (int il = 0; il < m.layers(); il++) {
            inpL = layer(il, inpL, positions);
        }
        Tensor cur = norm(inpL, "output_norm.weight");
        Tensor output = m.hasTensor("output.weight") ? weight("output.weight") : weight("token_embd.weight");
        cur = g.mulMat(output, cur);
        if (arch.equals("gemma2")) {
            cur = g.scale(g.unary(g.scale(cur)));
        }
        g.expand(cur);
    }

    private Tensor maskInput(String name) {
        Tensor t = g.input(name, GgmlType.F32, p.kvSize(), pad(p.tokens(), KQ_MASK_PAD));
        return p.flashAttention() ? g.cast(t, GgmlType.F16) : t;
    }

    private Tensor layer(int il, Tensor inpL, Tensor positions) {
        String b = "blk." + il + ".";
        long n = p.tokens();
        long headK = m.keyLength();
        long headV = m.valueLength();
        long heads = m.heads(il);
        long kvHeads = m.kvHeads(il);
        Tensor cur = norm(inpL, b + "attn_norm.weight");
        Tensor q;
        Tensor k;
        Tensor v;
        if (m.hasTensor(b + "attn_qkv.weight")) {
            Tensor qkv = g.mulMat(weight(b + "attn_qkv.weight"), cur);
            long qWidth = headK * heads;
            long kWidth = headK * kvHeads;
            long rowBytes = qkv.nb[1];
            q = g.cont(g.view(qkv, new long[] {qWidth, n}, rowBytes));
            k = g.cont(g.view(qkv, new long[] {kWidth, n}, rowBytes));
            v = g.cont(g.view(qkv, new long[] {headV * kvHeads, n}, rowBytes));
        } else {
            q = biased(g.mulMat(weight(b + "attn_q.weight"), cur), b + "attn_q.bias");
            k = biased(g.mulMat(weight(b + "attn_k.weight"), cur), b + "attn_k.bias");
            v = biased(g.mulMat(weight(b + "attn_v.weight"), cur), b + "attn_v.bias");
        }
        q = g.reshape(q, headK, heads, n);
        k = g.reshape(k, headK, kvHeads, n);
        v = g.reshape(v, headV, kvHeads, n);
        Tensor frequencies = m.hasTensor("rope_freqs.weight") ? weight("rope_freqs.weight") : null;
        q = g.rope(q, positions, frequencies);
        if (arch.equals("gemma2") || arch.equals("phi3")) {
            q = g.scale(q);
        }
        k = g.rope(k, positions, frequencies);
        cur = attention(il, q, k, v);
        cur = biased(g.mulMat(weight(b + "attn_output.weight"), cur), b + "attn_output.bias");
        if (arch.equals("gemma2")) {
            cur = norm(cur, b + "post_attention_norm.weight");
        }
        Tensor residual = inpL;
        if (il == m.layers() - 1) {
            Tensor outIds = g.input("inp_out_ids", GgmlType.I32, p.outputs());
            cur = g.getRows(cur, outIds);
            residual = g.getRows(residual, outIds);
        }
        Tensor ffnInput = g.add(cur, residual);
        cur = norm(ffnInput, b + "ffn_norm.weight");
        cur = feedForward(b, cur);
        if (arch.equals("gemma2")) {
            cur = norm(cur, b + "post_ffw_norm.weight");
        }
        return arch.equals("phi3") ? g.add(ffnInput, cur) : g.add(cur, ffnInput);
    }

    private Tensor feedForward(String b, Tensor cur) {
        Tensor up = g.mulMat(weight(b + "ffn_up.weight"), cur);
        Tensor act;
        if (m.hasTensor(b + "ffn_gate.weight")) {
            Tensor gate = g.unary(g.mulMat(weight(b + "ffn_gate.weight"), cur));
            act = g.mul(gate, up);
        } else {
            // Phi-3 stores gate and up as one matrix: SWIGLU splits its output in halves.
            long half = up.ne[0] / 2;
            Tensor x0 = g.cont(g.view(up, new long[] {half, up.ne[1]}, up.nb[1]));
            Tensor x1 = g.cont(g.view(up, new long[] {half, up.ne[1]}, up.nb[1]));
            act = g.mul(g.unary(x0), x1);
        }
        return g.mulMat(weight(b + "ffn_down.weight"), act);
    }

    /** build_attn with the unified KV cache: store K and V, then attend over all kvSize cells. */
    private Tensor attention(int il, Tensor qCur, Tensor kCur, Tensor vCur) {
        g.expand(qCur);
        g.expand(kCur);
        g.expand(vCur);
        long n = p.tokens();
        long kvSize = p.kvSize();
        long widthK = m.kvWidthK(il);
        long widthV = m.kvWidthV(il);
        boolean vTransposed = !p.flashAttention();
        Tensor kCache = g.external("cache_k_l" + il, p.typeK(), widthK * kvSize);
        Tensor vCache = g.external("cache_v_l" + il, p.typeV(), widthV * kvSize);
        g.expand(g.cpy(kCur, g.view(kCache, new long[] {n * widthK})));
        Tensor v2 = g.reshape(vCur, widthV, n);
        Tensor vView;
        if (vTransposed) {
            vView = g.view(vCache, new long[] {n, widthV}, kvSize * p.typeV().typeSize());
            v2 = g.transpose(v2);
        } else {
            vView = g.view(vCache, new long[] {n * widthV});
        }
        g.expand(g.cpy(v2, vView));

        Tensor kqMask = slidingLayer(il) ? maskSwa : mask;
        long heads = m.heads(il);
        long kvHeads = m.kvHeads(il);
        Tensor q = g.permute(qCur, 0, 2, 1, 3);
        Tensor k = g.view(kCache, new long[] {m.keyLength(), kvSize, kvHeads}, p.typeK().rowBytes(widthK),
                p.typeK().rowBytes(m.keyLength()));
        Tensor cur;
        if (p.flashAttention()) {
            Tensor v = g.view(vCache, new long[] {m.valueLength(), kvSize, kvHeads}, p.typeV().rowBytes(widthV),
                    p.typeV().rowBytes(m.valueLength()));
            cur = g.reshape(g.flashAttention(q, k, v, kqMask), m.valueLength() * heads, n);
        } else {
            Tensor v = g.view(vCache, new long[] {kvSize, m.valueLength(), kvHeads},
                    kvSize * p.typeV().typeSize(), kvSize * m.valueLength() * p.typeV().typeSize());
            Tensor kq = g.mulMat(k, q);
            if (arch.equals("gemma2")) {
                kq = g.scale(g.unary(g.scale(kq)));
            }
            kq = g.softMax(kq, kqMask);
            Tensor kqv = g.mulMat(v, kq);
            cur = g.cont(g.permute(kqv, 0, 2, 1, 3), m.valueLength() * heads, n);
        }
        g.expand(cur);
        return cur;
    }

    private boolean slidingLayer(int il) {
        return switch (arch) {
            case "gemma2" -> il % 2 == 0;
            // b4916 gives every Phi-3 a window (2047 by default) and masks all its layers with the window mask
            case "phi3" -> true;
            default -> false;
        };
    }

    private Tensor norm(Tensor x, String weightName) {
        Tensor normed = g.rmsNorm(x);
        return m.hasTensor(weightName) ? g.mul(normed, weight(weightName)) : normed;
    }

    private Tensor biased(Tensor x, String biasName) {
        return m.hasTensor(biasName) ? g.add(x, weight(biasName)) : x;
    }

    private Tensor weight(String name) {
        ModelGeometry.Weight w = m.weight(name).orElseThrow(
                () -> new IllegalArgumentException(m.name() + " has no tensor " + name));
        return g.external(name, w.type(), w.dims());
    }

    private static long pad(long value, long to) {
        return (value + to - 1) / to * to;
    }
}
