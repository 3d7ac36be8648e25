package io.rigpool.gguf;

import io.rigpool.gguf.write.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small GGUF files with every value type, a long array, and tensors of several types, for reader tests. */
final class SampleFiles {

    static final int LONG_ARRAY = GgufReader.MAX_KEPT_ARRAY + 10;

    private SampleFiles() {
    }

    static GgufWriter rich() {
        List<String> tokens = new ArrayList<>();
        List<Long> longArray = new ArrayList<>();
        for (int i = 0; i < LONG_ARRAY; i++) {
            longArray.add((long) (i & 0xff));
            if (i < 300) {
                tokens.add("tok" + i);
            }
        }
        return new GgufWriter()
                .putString("general.architecture", "llama")
                .putUint32("llama.block_count", 2)
                .putUint32("llama.embedding_length", 64)
                .putScalar("test.u8", GgufValueType.UINT8, 200)
                .putScalar("test.i8", GgufValueType.INT8, -5)
                .putScalar("test.u16", GgufValueType.UINT16, 60000)
                .putScalar("test.i16", GgufValueType.INT16, -30000)
                .putScalar("test.i32", GgufValueType.INT32, -70000)
                .putScalar("test.u64", GgufValueType.UINT64, 1L << 40)
                .putScalar("test.i64", GgufValueType.INT64, -(1L << 40))
                .putScalar("test.f32", GgufValueType.FLOAT32, 0.5)
                .putScalar("test.f64", GgufValueType.FLOAT64, 0.125)
                .putBool("test.bool", true)
                .putString("test.utf8", "gr\u00fc\u00df \u2581w")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putArray("test.long_array", GgufValueType.UINT8, longArray)
                .putArray("test.floats", GgufValueType.FLOAT32, List.of(1.0, 2.0))
                .tensor("token_embd.weight", GgmlType.F32, new long[] {4, 2}, new byte[32])
                .sparseTensor("blk.0.attn_q.weight", GgmlType.Q4_K, 256, 3)
                .sparseTensor("blk.0.attn_norm.weight", GgmlType.F32, 64)
                .sparseTensor("blk.1.ffn_down.weight", GgmlType.Q8_0, 64, 5)
                .sparseTensor("blk.1.attn_v.weight", GgmlType.IQ2_XS, 256, 2, 1)
                .sparseTensor("output.weight", GgmlType.Q6_K, 256, 4);
    }

    static byte[] bytes(GgufWriter writer, Path dir) throws IOException {
        Path file = dir.resolve("sample-" + System.nanoTime() + ".gguf");
        writer.write(file);
        try {
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }

    static GgufFile read(byte[] bytes, int length) throws IOException {
        return GgufReader.read(Path.of("sample.gguf"), new InMemoryChannel(bytes, length));
    }
}
