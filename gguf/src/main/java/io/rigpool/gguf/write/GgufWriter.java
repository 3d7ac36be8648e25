package io.rigpool.gguf.write;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.GgufReader;
import io.rigpool.gguf.GgufValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file. Tensors given without data are left as a hole in the file (the file is extended to its
 * full length without writing), which is how the estimator's real-shape fixtures of 5-20 GB models take a few MB of
 * disk. The file appears under its name only when complete.
 */
public final class GgufWriter {

    private record Entry(GgufValueType type, GgufValueType elementType, Object value) {
    }

    private record Tensor(String name, GgmlType type, long[] dims, byte[] data, long byteSize) {
    }

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = GgufReader.DEFAULT_ALIGNMENT;

    public GgufWriter putString(String key, String value) {
        return put(key, new Entry(GgufValueType.STRING, null, value));
    }

    public GgufWriter putUint32(String key, long value) {
        if (GgufReader.ALIGNMENT_KEY.equals(key)) {
            alignment = (int) value;
        }
        return put(key, new Entry(GgufValueType.UINT32, null, value));
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, new Entry(GgufValueType.INT32, null, (long) value));
    }

    public GgufWriter putUint64(String key, long value) {
        return put(key, new Entry(GgufValueType.UINT64, null, value));
    }

    public GgufWriter putUint16(String key, int value) {
        return put(key, new Entry(GgufValueType.UINT16, null, (long) value));
    }

    public GgufWriter putFloat32(String key, double value) {
        return put(key, new Entry(GgufValueType.FLOAT32, null, value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new Entry(GgufValueType.BOOL, null, value));
    }

    public GgufWriter putStringArray(String key, List<String> values) {
        return put(key, new Entry(GgufValueType.ARRAY, GgufValueType.STRING, List.copyOf(values)));
    }

    public GgufWriter putFloat32Array(String key, float[] values) {
        List<Object> boxed = new ArrayList<>(values.length);
        for (float v : values) {
            boxed.add((double) v);
        }
        return put(key, new Entry(GgufValueType.ARRAY, GgufValueType.FLOAT32, boxed));
    }

    public GgufWriter putInt32Array(String key, int[] values) {
        List<Object> boxed = new ArrayList<>(values.length);
        for (int v : values) {
            boxed.add((long) v);
        }
        return put(key, new Entry(GgufValueType.ARRAY, GgufValueType.INT32, boxed));
    }

    /** Any scalar value type: numbers as {@link Number}, BOOL as Boolean, STRING as String. */
    public GgufWriter putScalar(String key, GgufValueType type, Object value) {
        if (type == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("use putArray for arrays");
        }
        return put(key, new Entry(type, null, value));
    }

    /** A flat array of any scalar element type (elements as for {@link #putScalar}). */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("nested arrays are not written");
        }
        return put(key, new Entry(GgufValueType.ARRAY, elementType, List.copyOf(values)));
    }

    private GgufWriter put(String key, Entry entry) {
        metadata.put(key, entry);
        return this;
    }

    /** Adds a tensor with its encoded data (see {@link TensorEncoding}). */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        long size = byteSize(type, dims);
        if (data.length != size) {
            throw new IllegalArgumentException(name + ": " + data.length + " bytes given, " + size + " expected");
        }
        tensors.add(new Tensor(name, type, dims.clone(), data, size));
        return this;
    }

    /** Adds a tensor whose data region stays a hole: the file has its full size but the bytes are never written. */
    public GgufWriter sparseTensor(String name, GgmlType type, long... dims) {
        tensors.add(new Tensor(name, type, dims.clone(), null, byteSize(type, dims)));
        return this;
    }

    public static long byteSize(GgmlType type, long... dims) {
        long rows = 1;
        for (int i = 1; i < dims.length; i++) {
            rows = Math.multiplyExact(rows, dims[i]);
        }
        return Math.multiplyExact(type.rowBytes(dims[0]), rows);
    }

    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        try {
            writeTo(partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Bytes the file will have once written: header, padding and every tensor's data (holes included). */
    public long fileSize() {
        ByteSink header = header();
        return pad(header.size()) + dataBytes();
    }

    private long dataBytes() {
        long offset = 0;
        for (Tensor t : tensors) {
            offset = pad(offset + t.byteSize());
        }
        return offset;
    }

    private ByteSink header() {
        ByteSink header = new ByteSink();
        header.u32(GgufReader.MAGIC);
        header.u32(3);
        header.u64(tensors.size());
        header.u64(metadata.size());
        for (Map.Entry<String, Entry> e : metadata.entrySet()) {
            header.string(e.getKey());
            header.u32(e.getValue().type().id());
            writeValue(header, e.getValue().type(), e.getValue().elementType(), e.getValue().value());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            header.string(t.name());
            header.u32(t.dims().length);
            for (long d : t.dims()) {
                header.u64(d);
            }
            header.u32(t.type().id());
            header.u64(offset);
            offset = pad(offset + t.byteSize());
        }
        return header;
    }

    private void writeTo(Path path) throws IOException {
        ByteSink header = header();
        long[] offsets = new long[tensors.size()];
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i] = offset;
            offset = pad(offset + tensors.get(i).byteSize());
        }
        long dataStart = pad(header.size());
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = header.toBuffer();
            while (head.hasRemaining()) {
                out.write(head);
            }
            for (int i = 0; i < tensors.size(); i++) {
                byte[] data = tensors.get(i).data();
                if (data == null) {
                    continue;
                }
                ByteBuffer buf = ByteBuffer.wrap(data);
                long at = dataStart + offsets[i];
                while (buf.hasRemaining()) {
                    at += out.write(buf, at);
                }
            }
            // Extending by writing one zero byte at the end keeps the unwritten ranges as holes.
            long end = dataStart + offset;
            if (out.size() < end) {
                out.write(ByteBuffer.allocate(1), end - 1);
            }
            out.force(false);
        }
    }

    private void writeValue(ByteSink sink, GgufValueType type, GgufValueType elementType, Object value) {
        switch (type) {
            case STRING -> sink.string((String) value);
            case UINT8, INT8 -> sink.u8(((Number) value).intValue());
            case BOOL -> sink.u8((Boolean) value ? 1 : 0);
            case UINT16, INT16 -> sink.u16(((Number) value).intValue());
            case UINT32, INT32 -> sink.u32(((Number) value).intValue());
            case UINT64, INT64 -> sink.u64(((Number) value).longValue());
            case FLOAT32 -> sink.u32(Float.floatToRawIntBits(((Number) value).floatValue()));
            case FLOAT64 -> sink.u64(Double.doubleToRawLongBits(((Number) value).doubleValue()));
            case ARRAY -> {
                List<?> values = (List<?>) value;
                sink.u32(elementType.id());
                sink.u64(values.size());
                for (Object v : values) {
                    writeValue(sink, elementType, null, v);
                }
            }
        }
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class ByteSink {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void u8(int v) {
            ensure(1);
            buf.put((byte) v);
        }

        void u16(int v) {
            ensure(2);
            buf.putShort((short) v);
        }

        void u32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void u64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            ensure(bytes.length);
            buf.put(bytes);
        }

        int size() {
            return buf.position();
        }

        ByteBuffer toBuffer() {
            ByteBuffer copy = buf.duplicate();
            copy.flip();
            return copy;
        }
    }
}
