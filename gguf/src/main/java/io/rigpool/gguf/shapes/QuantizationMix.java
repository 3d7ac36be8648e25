package io.rigpool.gguf.shapes;

import io.rigpool.gguf.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantization mixes the catalogue uses, with the per-tensor type choice of llama.cpp b4916's quantizer
 * ({@code llama_tensor_get_type} in src/llama-quant.cpp). A "Q4_K_M" file is not all Q4_K: the output head (or the
 * tied embedding) gets Q6_K, and {@code attn_v}/{@code ffn_down} get Q6_K on the layers {@code use_more_bits}
 * picks; a fused {@code attn_qkv} gets Q5_K. The quantizer walks the tensors in name order (its weights map is a
 * std::map), so the counters it uses as "layer" run over blk.0, blk.1, blk.10, blk.11, ... — reproduced here; for a
 * mixture-of-experts model it reads the layer from the tensor's name instead (its {@code layer_info}), and it
 * quantizes the 3-D expert tensors like any matrix. The current quantizer keeps these rules and adds MXFP4_MOE.
 */
public enum QuantizationMix {
    /** llama_ftype 15: LLAMA_FTYPE_MOSTLY_Q4_K_M. */
    Q4_K_M(15, GgmlType.Q4_K),
    /** llama_ftype 7: LLAMA_FTYPE_MOSTLY_Q8_0. */
    Q8_0(7, GgmlType.Q8_0),
    /**
     * llama_ftype 38: LLAMA_FTYPE_MOSTLY_MXFP4_MOE, gpt-oss as OpenAI trained it (not in b4916): the routed experts
     * MXFP4, every other matrix, the embedding and the output head Q8_0.
     */
    MXFP4_MOE(38, GgmlType.MXFP4);

    private final int fileType;
    private final GgmlType defaultType;

    QuantizationMix(int fileType, GgmlType defaultType) {
        this.fileType = fileType;
        this.defaultType = defaultType;
    }

    /** The value of {@code general.file_type}. */
    public int fileType() {
        return fileType;
    }

    /**
     * The type of every tensor after quantization, in the quantizer's order (sorted by name), which is also the
     * order of the tensors in the file it writes.
     */
    public Map<String, GgmlType> assign(List<TensorShape> tensors, int blockCount, boolean mixtureOfExperts) {
        List<TensorShape> sorted = new ArrayList<>(tensors);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        int attentionV = 0;
        boolean hasOutput = false;
        for (TensorShape t : sorted) {
            if (isAttentionV(t.name())) {
                attentionV++;
            } else if (t.name().equals("output.weight")) {
                hasOutput = true;
            }
        }
        int iAttentionV = 0;
        int iFfnDown = 0;
        Map<String, GgmlType> types = new LinkedHashMap<>();
        for (TensorShape t : sorted) {
            GgmlType type = t.sourceType();
            if (t.quantizable()) {
                int ffnDownLayer = mixtureOfExperts ? t.layer() : iFfnDown;
                type = choose(t, hasOutput, iAttentionV, attentionV, ffnDownLayer, blockCount);
                type = fallback(type, t.dims()[0]);
            }
            if (isAttentionV(t.name()) && !t.name().contains("attn_qkv")) {
                iAttentionV++;
            }
            if (t.name().contains("ffn_down") && t.quantizable()) {
                iFfnDown++;
            }
            types.put(t.name(), type);
        }
        return types;
    }

    private static boolean isAttentionV(String name) {
        return name.contains("attn_v.weight") || name.contains("attn_qkv.weight") || name.contains("attn_kv_b.weight");
    }

    private GgmlType choose(TensorShape t, boolean hasOutput, int iAttentionV, int attentionV, int iFfnDown,
            int blockCount) {
        String name = t.name();
        if (this == MXFP4_MOE) {
            return t.dims().length == 3 ? GgmlType.MXFP4 : GgmlType.Q8_0;
        }
        if (name.equals("output.weight") || (!hasOutput && name.equals("token_embd.weight"))) {
            if (t.dims()[0] % defaultType.blockSize() != 0) {
                return GgmlType.Q8_0;
            }
            return defaultType == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
        }
        if (this != Q4_K_M) {
            return defaultType;
        }
        if (name.contains("attn_v.weight")) {
            return useMoreBits(iAttentionV, attentionV) ? GgmlType.Q6_K : defaultType;
        }
        if (name.contains("ffn_down")) {
            return useMoreBits(iFfnDown, blockCount) ? GgmlType.Q6_K : defaultType;
        }
        if (name.contains("attn_qkv.weight")) {
            return GgmlType.Q5_K;
        }
        return defaultType;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third one between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** A row that is no whole number of blocks falls back to a type with smaller blocks, as the quantizer does. */
    private static GgmlType fallback(GgmlType type, long rowLength) {
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType smaller = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return rowLength % smaller.blockSize() == 0 ? smaller : GgmlType.F16;
    }
}
