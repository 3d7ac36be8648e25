package io.rigpool.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.write.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryValueTypeAndTheTensorTable() throws IOException {
        Path file = dir.resolve("rich.gguf");
        SampleFiles.rich().write(file);
        GgufFile f = GgufReader.read(file);

        assertEquals(3, f.version());
        assertEquals(200L, f.value("test.u8").orElseThrow());
        assertEquals(-5L, f.value("test.i8").orElseThrow());
        assertEquals(60000L, f.value("test.u16").orElseThrow());
        assertEquals(-30000L, f.value("test.i16").orElseThrow());
        assertEquals(-70000L, f.value("test.i32").orElseThrow());
        assertEquals(1L << 40, f.value("test.u64").orElseThrow());
        assertEquals(-(1L << 40), f.value("test.i64").orElseThrow());
        assertEquals(0.5, f.number("test.f32").orElseThrow());
        assertEquals(0.125, f.number("test.f64").orElseThrow());
        assertEquals(true, f.value("test.bool").orElseThrow());
        assertEquals("gr\u00fc\u00df \u2581w", f.string("test.utf8").orElseThrow());
        assertEquals(300, f.array("tokenizer.ggml.tokens").orElseThrow().count());
        assertEquals("tok7", f.array("tokenizer.ggml.tokens").orElseThrow().values().get(7));
        GgufArray longArray = f.array("test.long_array").orElseThrow();
        assertEquals(SampleFiles.LONG_ARRAY, longArray.count());
        assertFalse(longArray.materialized(), "arrays over the kept limit keep only their count");

        List<TensorInfo> t = f.tensors();
        assertEquals(6, t.size());
        assertEquals(GgmlType.Q4_K, t.get(1).type());
        assertEquals(3 * 144, t.get(1).byteSize());
        assertEquals(GgmlType.IQ2_XS, t.get(4).type());
        assertEquals(3, t.get(4).dims().length);
        for (TensorInfo tensor : t) {
            assertEquals(0, tensor.offset() % f.alignment(), tensor.name());
        }
        assertEquals(0, f.dataOffset() % f.alignment());
        assertEquals(Files.size(file), f.fileSize());
        assertEquals(0, t.get(1).layer());
        assertEquals(1, t.get(3).layer());
        assertEquals(-1, t.get(5).layer());
    }

    @Test
    void readsVersion2AndRefusesVersion1AndBigEndian() throws IOException {
        byte[] bytes = SampleFiles.bytes(SampleFiles.rich(), dir);
        putInt(bytes, 4, 2);
        assertEquals(2, SampleFiles.read(bytes, bytes.length).version());
        putInt(bytes, 4, 1);
        assertFormatError(bytes, bytes.length, "header.version", 4, "version 1");
        putInt(bytes, 4, Integer.reverseBytes(3));
        assertFormatError(bytes, bytes.length, "header.version", 4, "big-endian");
        putInt(bytes, 0, 0x12345678);
        assertFormatError(bytes, bytes.length, "header.magic", 0, "not a GGUF file");
    }

    @Test
    void truncationNamesTheFieldAndOffset() throws IOException {
        byte[] bytes = SampleFiles.bytes(SampleFiles.rich(), dir);
        assertFormatError(bytes, 2, "header.magic", 0, "truncated");
        assertFormatError(bytes, 10, "header.tensor_count", 8, "truncated");
        int name = find(bytes, "output.weight");
        assertFormatError(bytes, name + 3, "tensor[5].name length", name - 8, "only 3 bytes are left");
        GgufFile whole = SampleFiles.read(bytes, bytes.length);
        assertFormatError(bytes, (int) whole.dataOffset() + 8, "data region", whole.dataOffset(), "truncated");
    }

    @Test
    void lyingLengthsAndCountsFailWithoutAllocating() throws IOException {
        byte[] bytes = SampleFiles.bytes(SampleFiles.rich(), dir);
        byte[] hugeKey = bytes.clone();
        putLong(hugeKey, 24, 1L << 40);
        assertFormatError(hugeKey, hugeKey.length, "metadata[0].key length", 24, "bytes are left");
        byte[] hugeTensorCount = bytes.clone();
        putLong(hugeTensorCount, 8, Long.MAX_VALUE);
        assertFormatError(hugeTensorCount, hugeTensorCount.length, "header.tensor_count", 8, "cannot fit");
        byte[] negativeCount = bytes.clone();
        putLong(negativeCount, 16, -1);
        assertFormatError(negativeCount, negativeCount.length, "header.metadata_kv_count", 16, "cannot fit");
    }

    @Test
    void refusesWhatLlamaCppRefuses() throws IOException {
        assertWriterRefused(new GgufWriter().putString("a", "x").putString("b", "y")
                .sparseTensor("t", GgmlType.F32, 4), bytes -> putInt(bytes, find(bytes, "t") + 1 + 4 + 8, 4),
                "type", "unknown ggml type 4");
        String longName = "x".repeat(GgufReader.MAX_TENSOR_NAME_BYTES);
        assertWriterRefused(new GgufWriter().sparseTensor(longName, GgmlType.F32, 4), bytes -> { },
                "tensor[0].name", "fewer than 64");
        byte[] dup = SampleFiles.bytes(new GgufWriter().sparseTensor("aaaa", GgmlType.F32, 4)
                .sparseTensor("bbbb", GgmlType.F32, 4), dir);
        int second = find(dup, "bbbb");
        dup[second] = 'a';
        dup[second + 1] = 'a';
        dup[second + 2] = 'a';
        dup[second + 3] = 'a';
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> SampleFiles.read(dup, dup.length));
        assertTrue(e.getMessage().contains("duplicate tensor 'aaaa'"), e.getMessage());
    }

    @Test
    void tensorDataMustFollowInOrder() throws IOException {
        byte[] bytes = SampleFiles.bytes(new GgufWriter().sparseTensor("a", GgmlType.F32, 8)
                .sparseTensor("b", GgmlType.F32, 8), dir);
        int offsetOfB = find(bytes, "b") + 1 + 4 + 8 + 4;
        putLong(bytes, offsetOfB, 64);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> SampleFiles.read(bytes, bytes.length));
        assertEquals("tensor 'b' offset", e.field());
        assertEquals(offsetOfB, e.offset());
    }

    @Test
    void rowsMustBeWholeBlocks() throws IOException {
        byte[] bytes = SampleFiles.bytes(new GgufWriter().sparseTensor("q", GgmlType.Q4_K, 256), dir);
        putLong(bytes, find(bytes, "q") + 1 + 4, 100);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> SampleFiles.read(bytes, bytes.length));
        assertTrue(e.getMessage().contains("block size 256"), e.getMessage());
    }

    private interface Patch {
        void apply(byte[] bytes);
    }

    private void assertWriterRefused(GgufWriter writer, Patch patch, String field, String problem) throws IOException {
        byte[] bytes = SampleFiles.bytes(writer, dir);
        patch.apply(bytes);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> SampleFiles.read(bytes, bytes.length));
        assertTrue(e.field().contains(field), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static void assertFormatError(byte[] bytes, int length, String field, long offset, String problem) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> SampleFiles.read(bytes, length));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().startsWith("sample.gguf: " + field + " at byte " + offset), e.getMessage());
    }

    /** Position just after the length prefix of the first string equal to {@code text}. */
    private static int find(byte[] bytes, String text) {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 8; i + needle.length <= bytes.length; i++) {
            if (ByteBuffer.wrap(bytes, i - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() == needle.length
                    && Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError(text + " not found");
    }

    static void putInt(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    static void putLong(byte[] bytes, int at, long value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    }

    @Test
    void aHeaderThatIsNothingButHugeStringsIsRefusedBeforeItFillsTheHeap() throws IOException {
        String big = "x".repeat(15 << 20);
        GgufWriter writer = new GgufWriter().putString("general.architecture", "llama");
        for (int i = 0; i < 5; i++) {
            writer.putString("junk." + i, big);
        }
        Path file = dir.resolve("hostile.gguf");
        writer.write(file);

        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));

        assertTrue(e.getMessage().contains("metadata 'junk.4'") && e.getMessage().contains("64 MiB"),
                e.getMessage());
    }
}
