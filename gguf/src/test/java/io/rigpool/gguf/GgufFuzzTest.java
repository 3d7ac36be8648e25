package io.rigpool.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rigpool.gguf.tiny.TinyChatModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds the reader thousands of corrupt files: random bytes, length and count fields replaced by lies, value and
 * tensor types replaced by unknown ids, and truncation at every byte of a header and at field boundaries. Only a
 * {@link GgufFormatException} (or another IOException) may come out, and no single read may allocate more than a
 * small multiple of the file. Reproduce a failure with {@code -Dgguf.fuzz.seed=<seed>} (printed on failure).
 */
class GgufFuzzTest {

    private static final int MUTATED_CASES = 10_000;
    /** The bases are under 1 MB; a read allocating more than this trusted a lying length. */
    private static final long ALLOCATION_LIMIT = 48L << 20;
    private static final long[] LIES_64 = {0, 1, 2, 7, 8, 63, 64, 255, 4096, 1L << 31, (1L << 32) - 1, 1L << 32,
        1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -1, -8};
    private static final int[] LIES_32 = {0, 1, 2, 3, 4, 5, 8, 9, 12, 13, 14, 15, 24, 30, 31, 36, 38, 39, 40, 63, 64,
        0x7fffffff, 0x80000000, -1};

    @TempDir
    Path dir;

    private long seed;
    private int executed;
    private int rejected;

    private record Base(String name, byte[] bytes, int headerEnd, List<Integer> fields) {
    }

    @Test
    void corruptFilesFailOnlyWithFormatErrors() throws IOException {
        seed = Long.getLong("gguf.fuzz.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        List<Base> bases = List.of(base("rich", SampleFiles.bytes(SampleFiles.rich(), dir)),
                base("tiny-chat", tinyChatModel()));
        long started = System.nanoTime();

        Base rich = bases.get(0);
        for (int length = 0; length <= rich.headerEnd() + 64; length++) {
            check(rich.bytes(), length, "rich truncated at " + length);
        }
        int truncations = executed;
        while (executed < truncations + MUTATED_CASES) {
            Base base = bases.get(random.nextInt(bases.size()));
            byte[] bytes = base.bytes().clone();
            StringBuilder what = new StringBuilder(base.name());
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(bytes, base, random, what);
            }
            int length = bytes.length;
            if (random.nextInt(3) == 0) {
                length = truncation(base, random);
                what.append(", truncated at ").append(length);
            }
            check(bytes, length, what.toString());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("gguf fuzz: %d truncated and %d mutated files (seed %d), %d rejected with a format "
                + "error, %.1f s%n", truncations, executed - truncations, seed, rejected, seconds);
        assertTrue(executed - truncations >= MUTATED_CASES);
        assertTrue(rejected > executed / 2 && rejected < executed,
                "most but not all corrupt files should be rejected (seed " + seed + ")");
    }

    private void check(byte[] bytes, int length, String what) {
        executed++;
        long before = allocatedBytes();
        try {
            GgufFile file = SampleFiles.read(bytes, length);
            GgufModel model = GgufModel.of(file);
            file.tensorBytes();
            model.architecture();
            model.layerBytes();
            model.nonLayerBytes();
        } catch (GgufFormatException e) {
            rejected++;
            if (!e.getMessage().contains(" at byte ")) {
                fail("format error without a byte offset (seed " + seed + ", " + what + "): " + e.getMessage());
            }
        } catch (IOException e) {
            rejected++;
        } catch (Throwable t) {
            fail("seed " + seed + ", case " + executed + " (" + what + "): " + t, t);
        }
        long allocated = allocatedBytes() - before;
        if (allocated > ALLOCATION_LIMIT) {
            fail("seed " + seed + ", case " + executed + " (" + what + "): one read allocated " + allocated
                    + " bytes");
        }
    }

    private void mutate(byte[] bytes, Base base, SplittableRandom random, StringBuilder what) {
        int kind = random.nextInt(5);
        List<Integer> fields = base.fields();
        int field = fields.get(random.nextInt(fields.size()));
        switch (kind) {
            case 0 -> {
                int at = random.nextInt(base.headerEnd());
                bytes[at] = (byte) random.nextInt(256);
                what.append(", byte ").append(at);
            }
            case 1 -> {
                long lie = random.nextInt(4) == 0 ? random.nextLong() : LIES_64[random.nextInt(LIES_64.length)];
                put64(bytes, field, lie);
                what.append(", length/count at ").append(field).append(" = ").append(lie);
            }
            case 2 -> {
                long lie = (long) bytes.length + random.nextInt(-16, 16);
                put64(bytes, field, lie);
                what.append(", length/count at ").append(field).append(" = file size ").append(lie);
            }
            case 3 -> {
                // The 4 bytes after a string are a value type (after a key) or n_dims (after a tensor name).
                int at = field + 8 + (int) Math.max(0, Math.min(64, read64(base.bytes(), field)));
                int lie = LIES_32[random.nextInt(LIES_32.length)];
                put32(bytes, at, lie);
                what.append(", type at ").append(at).append(" = ").append(lie);
            }
            default -> {
                int at = random.nextInt(Math.max(1, base.headerEnd() - 4));
                int lie = LIES_32[random.nextInt(LIES_32.length)];
                put32(bytes, at, lie);
                what.append(", int32 at ").append(at).append(" = ").append(lie);
            }
        }
    }

    private static int truncation(Base base, SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> base.fields().get(random.nextInt(base.fields().size())) + random.nextInt(-1, 9);
            case 1 -> random.nextInt(base.headerEnd() + 1);
            default -> random.nextInt(base.bytes().length + 1);
        } & Integer.MAX_VALUE;
    }

    /** The base and the offsets of its 8-byte length/count fields: every small int64 in the header. */
    private static Base base(String name, byte[] bytes) throws IOException {
        GgufFile file = SampleFiles.read(bytes, bytes.length);
        int headerEnd = (int) file.dataOffset();
        List<Integer> fields = new ArrayList<>();
        for (int at = 8; at + 8 <= headerEnd; at++) {
            long v = read64(bytes, at);
            if (v > 0 && v < (1 << 20) && (at == 8 || at == 16 || printableFollows(bytes, at, v))) {
                fields.add(at);
            }
        }
        return new Base(name, bytes, headerEnd, fields);
    }

    private static boolean printableFollows(byte[] bytes, int at, long length) {
        if (length > 64 || at + 8 + length > bytes.length) {
            return length >= 64;
        }
        for (int i = 0; i < length; i++) {
            int c = bytes[at + 8 + i] & 0xff;
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private byte[] tinyChatModel() throws IOException {
        Path file = TinyChatModel.write(dir.resolve("micro.gguf"), TinyChatModel.Spec.micro());
        return Files.readAllBytes(file);
    }

    private static long read64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    private static void put64(byte[] b, int at, long v) {
        if (at >= 0 && at + 8 <= b.length) {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
        }
    }

    private static void put32(byte[] b, int at, int v) {
        if (at >= 0 && at + 4 <= b.length) {
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        }
    }

    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean) {
            return bean.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }
}
