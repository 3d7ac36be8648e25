package io.rigpool.gguf.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The per-tensor choices of llama.cpp's quantizer (llama_tensor_get_type) that the catalogue reproduces. */
class QuantizationMixTest {

    @Test
    void useMoreBitsTakesTheOuterEighthsAndEveryThirdLayerBetween() {
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if (QuantizationMix.useMoreBits(i, 32)) {
                picked.add(i);
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31), picked);
    }

    @Test
    void q4KmCountsLayersInTheQuantizersNameOrder() {
        Map<String, GgmlType> types = types("Llama-3.1-8B-Instruct-Q4_K_M");
        // the quantizer's i-th attn_v in name order is blk.0, blk.1, blk.10, ... so blk.10 is the third (Q6_K)
        assertEquals(GgmlType.Q6_K, types.get("blk.10.attn_v.weight"));
        assertEquals(GgmlType.Q6_K, types.get("blk.0.attn_v.weight"));
        assertEquals(GgmlType.Q4_K, types.get("blk.12.attn_v.weight"));
        assertEquals(16, count(types, "attn_v.weight", GgmlType.Q6_K));
        assertEquals(16, count(types, "ffn_down.weight", GgmlType.Q6_K));
        assertEquals(GgmlType.Q6_K, types.get("output.weight"));
        assertEquals(GgmlType.Q4_K, types.get("token_embd.weight"));
        assertEquals(GgmlType.F32, types.get("blk.3.ffn_norm.weight"));
        assertEquals(GgmlType.F32, types.get("rope_freqs.weight"));
        assertEquals(GgmlType.Q4_K, types.get("blk.7.attn_q.weight"));
    }

    @Test
    void aTiedEmbeddingGetsTheOutputHeadsType() {
        Map<String, GgmlType> gemma = types("gemma-2-9b-it-Q4_K_M");
        assertFalse(gemma.containsKey("output.weight"));
        assertEquals(GgmlType.Q6_K, gemma.get("token_embd.weight"));
        Map<String, GgmlType> llama1b = types("Llama-3.2-1B-Instruct-Q8_0");
        assertEquals(GgmlType.Q8_0, llama1b.get("token_embd.weight"));
        assertTrue(llama1b.entrySet().stream().allMatch(
                e -> e.getValue() == GgmlType.Q8_0 || e.getValue() == GgmlType.F32), "Q8_0 is uniform");
    }

    @Test
    void fusedQkvGetsQ5K() {
        Map<String, GgmlType> phi3 = types("Phi-3-mini-4k-instruct-Q4_K_M");
        assertEquals(32, count(phi3, "attn_qkv.weight", GgmlType.Q5_K));
        assertEquals(16, count(phi3, "ffn_down.weight", GgmlType.Q6_K));
        assertEquals(GgmlType.Q6_K, phi3.get("output.weight"));
    }

    @Test
    void filesListTensorsInTheQuantizersOrder() {
        List<String> names = RealModelShapes.byName("Mistral-7B-Instruct-v0.3-Q4_K_M").tensors().stream()
                .map(RealModelShape.QuantizedTensor::name).toList();
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(String::compareTo);
        assertEquals(sorted, names);
    }

    private static Map<String, GgmlType> types(String shape) {
        return RealModelShapes.byName(shape).tensors().stream()
                .collect(Collectors.toMap(RealModelShape.QuantizedTensor::name, RealModelShape.QuantizedTensor::type));
    }

    private static long count(Map<String, GgmlType> types, String suffix, GgmlType type) {
        return types.entrySet().stream().filter(e -> e.getKey().endsWith(suffix) && e.getValue() == type).count();
    }
}
