package io.rigpool.planner.estimate;

import io.rigpool.common.sizes.ByteSizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.GgufFormatException;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.write.GgufWriter;
import io.rigpool.planner.estimate.graph.ComputeGraphs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelGeometryTest {

    private static final int EMBEDDING = 512;
    private static final int HEADS = 32;
    private static final int HEAD_DIM = EMBEDDING / HEADS;
    private static final int VOCABULARY = 1000;

    @TempDir
    Path dir;

    @Test
    void perLayerHeadCountsSizeEachLayersCache() throws IOException {
        GgufWriter w = base(2).putInt32Array("llama.attention.head_count_kv", new int[] {8, 4});
        for (int il = 0; il < 2; il++) {
            denseLayer(w, il, il == 0 ? 8 : 4);
        }
        ModelGeometry m = open(w);
        assertEquals(8, m.kvHeads(0));
        assertEquals(4, m.kvHeads(1));
        MemoryEstimate e = new MemoryEstimator().estimate(m, LoadParameters.defaults(1024));
        assertEquals(2L * 8 * HEAD_DIM * 1024 * 2, e.layerKv()[0]);
        assertEquals(2L * 4 * HEAD_DIM * 1024 * 2, e.layerKv()[1]);
        assertTrue(e.exact());
        assertTrue(e.cpu().compute() > (long) VOCABULARY * 512 * 4, "the logits alone are this large");
    }

    @Test
    void aGraphTheReplayCannotBuildIsApproximated() throws IOException {
        GgufWriter w = base(2).putUint32("llama.attention.head_count_kv", 8).putUint32("llama.expert_count", 8);
        for (int il = 0; il < 2; il++) {
            String b = "blk." + il + ".";
            attention(w, b, 8);
            w.sparseTensor(b + "ffn_gate_inp.weight", GgmlType.F32, EMBEDDING, 8)
                    .sparseTensor(b + "ffn_gate_exps.weight", GgmlType.Q8_0, EMBEDDING, 1024, 8)
                    .sparseTensor(b + "ffn_up_exps.weight", GgmlType.Q8_0, EMBEDDING, 1024, 8)
                    .sparseTensor(b + "ffn_down_exps.weight", GgmlType.Q8_0, 1024, EMBEDDING, 8);
        }
        ModelGeometry m = open(w);
        assertFalse(ComputeGraphs.exactFor(m));
        MemoryEstimate e = new MemoryEstimator().estimate(m, LoadParameters.defaults(2048));
        assertFalse(e.exact());
        long logits = (long) VOCABULARY * 512 * 4;
        long scores = 2048L * 512 * HEADS * 4;
        assertTrue(e.cpu().compute() > Math.max(logits, scores) && e.cpu().compute() < 2 * (logits + scores),
                ByteSizes.format(e.cpu().compute()));
    }

    @Test
    void missingHyperparametersAreFormatErrorsNamingTheKey() throws IOException {
        Path file = dir.resolve("broken.gguf");
        new GgufWriter().putString("general.architecture", "llama").putUint32("llama.block_count", 1)
                .sparseTensor("token_embd.weight", GgmlType.F32, 8, 8).write(file);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> ModelGeometry.of(GgufModel.open(file)));
        assertEquals("metadata 'llama.embedding_length'", e.field());
    }

    private GgufWriter base(int layers) {
        return new GgufWriter().putString("general.architecture", "llama").putUint32("llama.block_count", layers)
                .putUint32("llama.embedding_length", EMBEDDING).putUint32("llama.feed_forward_length", 1024)
                .putUint32("llama.attention.head_count", HEADS).putUint32("llama.context_length", 4096)
                .putStringArray("tokenizer.ggml.tokens", tokens())
                .sparseTensor("token_embd.weight", GgmlType.Q8_0, EMBEDDING, VOCABULARY)
                .sparseTensor("output_norm.weight", GgmlType.F32, EMBEDDING)
                .sparseTensor("output.weight", GgmlType.Q8_0, EMBEDDING, VOCABULARY);
    }

    private static void denseLayer(GgufWriter w, int il, int kvHeads) {
        String b = "blk." + il + ".";
        attention(w, b, kvHeads);
        w.sparseTensor(b + "ffn_norm.weight", GgmlType.F32, EMBEDDING)
                .sparseTensor(b + "ffn_gate.weight", GgmlType.Q8_0, EMBEDDING, 1024)
                .sparseTensor(b + "ffn_up.weight", GgmlType.Q8_0, EMBEDDING, 1024)
                .sparseTensor(b + "ffn_down.weight", GgmlType.Q8_0, 1024, EMBEDDING);
    }

    private static void attention(GgufWriter w, String b, int kvHeads) {
        w.sparseTensor(b + "attn_norm.weight", GgmlType.F32, EMBEDDING)
                .sparseTensor(b + "attn_q.weight", GgmlType.Q8_0, EMBEDDING, EMBEDDING)
                .sparseTensor(b + "attn_k.weight", GgmlType.Q8_0, EMBEDDING, (long) kvHeads * HEAD_DIM)
                .sparseTensor(b + "attn_v.weight", GgmlType.Q8_0, EMBEDDING, (long) kvHeads * HEAD_DIM)
                .sparseTensor(b + "attn_output.weight", GgmlType.Q8_0, EMBEDDING, EMBEDDING);
    }

    private static List<String> tokens() {
        return java.util.stream.IntStream.range(0, VOCABULARY).mapToObj(i -> "t" + i).toList();
    }

    private ModelGeometry open(GgufWriter w) throws IOException {
        Path file = dir.resolve("model-" + System.nanoTime() + ".gguf");
        w.write(file);
        return ModelGeometry.of(GgufModel.open(file));
    }
}
