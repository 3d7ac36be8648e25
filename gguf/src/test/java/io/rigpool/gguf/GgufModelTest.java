package io.rigpool.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.write.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufModelTest {

    @TempDir
    Path dir;

    @Test
    void splitFilesAreOneModel() throws IOException {
        writeShards("big", 3, 3);
        GgufModel model = GgufModel.open(dir.resolve("big-00002-of-00003.gguf"));

        assertEquals(3, model.files().size());
        assertEquals(6, model.tensors().size());
        assertEquals("blk.0.attn_q.weight", model.tensors().get(0).name());
        assertEquals(2, model.tensors().get(5).fileIndex());
        assertEquals("llama", model.architecture());
        assertEquals(3, model.blockCount());
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            sum += Files.size(dir.resolve(String.format("big-%05d-of-00003.gguf", i)));
        }
        assertEquals(sum, model.sizeBytes());
        assertEquals(model.tensors().stream().mapToLong(TensorInfo::byteSize).sum(),
                Arrays.stream(model.layerBytes()).sum() + model.nonLayerBytes());
    }

    @Test
    void onlyTheFirstShardIsAnEntryPoint() {
        assertTrue(GgufModel.isModelEntryPoint(Path.of("m-00001-of-00002.gguf")));
        assertFalse(GgufModel.isModelEntryPoint(Path.of("m-00002-of-00002.gguf")));
        assertTrue(GgufModel.isModelEntryPoint(Path.of("plain.gguf")));
        assertFalse(GgufModel.isModelEntryPoint(Path.of("notes.txt")));
        assertEquals("m", GgufModel.stem(Path.of("m-00002-of-00002.gguf")));
        assertEquals("Qwen2.5-7B", GgufModel.stem(Path.of("/models/Qwen2.5-7B.gguf")));
    }

    @Test
    void aMissingShardIsAnError() throws IOException {
        writeShards("gap", 3, 3);
        Files.delete(dir.resolve("gap-00003-of-00003.gguf"));
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufModel.open(dir.resolve("gap-00001-of-00003.gguf")));
        assertTrue(e.getMessage().contains("shard 3 of 3 is missing"), e.getMessage());
    }

    @Test
    void shardMetadataMustAgreeWithTheNames() throws IOException {
        writeShards("odd", 2, 3);
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufModel.open(dir.resolve("odd-00001-of-00002.gguf")));
        assertTrue(e.getMessage().contains("split.count"), e.getMessage());
    }

    @Test
    void missingBlockCountIsAFormatError() throws IOException {
        Path file = dir.resolve("nolayers.gguf");
        new GgufWriter().putString("general.architecture", "llama").sparseTensor("x", GgmlType.F32, 4).write(file);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufModel.open(file).blockCount());
        assertEquals("metadata 'llama.block_count'", e.field());
    }

    /** Writes {@code count} shards named for {@code count} but declaring {@code declared} in split.count. */
    private void writeShards(String prefix, int count, int declared) throws IOException {
        for (int i = 0; i < count; i++) {
            GgufWriter w = new GgufWriter().putUint16("split.no", i).putUint16("split.count", declared)
                    .putInt32("split.tensors.count", 2 * count);
            if (i == 0) {
                w.putString("general.architecture", "llama").putUint32("llama.block_count", count);
            }
            w.sparseTensor("blk." + i + ".attn_q.weight", GgmlType.Q8_0, 64, 64);
            w.sparseTensor("blk." + i + ".attn_norm.weight", GgmlType.F32, 64);
            w.write(dir.resolve(String.format("%s-%05d-of-%05d.gguf", prefix, i + 1, count)));
        }
    }
}
