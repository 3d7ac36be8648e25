package io.rigpool.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a GGUF v2/v3 header, its metadata and its tensor table, and never the tensor data: a 50 GB model costs a few
 * reads near the start of the file. Every length and count is checked against the bytes the file still holds before
 * anything is allocated, so a corrupt or hostile file ends in a {@link GgufFormatException} naming the field and the
 * byte offset, never in an unchecked exception or an out-of-memory error.
 */
public final class GgufReader {

    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    public static final String ALIGNMENT_KEY = "general.alignment";
    public static final int DEFAULT_ALIGNMENT = 32;
    /** Arrays longer than this keep only their count (a vocabulary is not needed to size a model). */
    public static final int MAX_KEPT_ARRAY = 4096;
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;
    static final int MAX_STRING_BYTES = 16 << 20;
    /** ggml's GGML_MAX_NAME: llama.cpp refuses tensor names of this many bytes or more. */
    public static final int MAX_TENSOR_NAME_BYTES = 64;
    private static final int MAX_ARRAY_NESTING = 3;
    /**
     * What a header may make the reader keep in memory: strings and the elements of kept arrays. A real model's
     * header keeps well under a megabyte (the tokenizer's long arrays are skipped), so the budget only stops a
     * hostile file that is nothing but metadata (a 20 GB file of 16 MB strings would otherwise be 20 GB of heap).
     */
    public static final long MAX_KEPT_BYTES = 64L << 20;
    /** llama.cpp models have at most a few thousand tensors; each kept entry costs about 150 bytes. */
    public static final long MAX_TENSORS = 1L << 18;
    /** What a kept value costs beyond its bytes (the boxed value and its slot in the list). */
    private static final int KEPT_VALUE_OVERHEAD = 16;

    private final Path path;
    private final SeekableByteChannel channel;
    private final long fileSize;
    private final ByteBuffer window = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart;
    private long position;
    private long keptBytes;

    private GgufReader(Path path, SeekableByteChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.fileSize = channel.size();
        window.limit(0);
    }

    public static GgufFile read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new GgufReader(path, channel).readFile();
        }
    }

    /**
     * Reads from an open channel (left open), e.g. bytes in memory; {@code path} only names the file in errors and
     * in the result. The channel's size is taken as the file size.
     */
    public static GgufFile read(Path path, SeekableByteChannel channel) throws IOException {
        return new GgufReader(path, channel).readFile();
    }

    private GgufFile readFile() throws IOException {
        int magic = (int) uint32("header.magic");
        if (magic != MAGIC) {
            throw corrupt("header.magic", 0, String.format("not a GGUF file (magic 0x%08x)", magic));
        }
        long version = uint32("header.version");
        if (version == 1) {
            throw corrupt("header.version", 4, "GGUF version 1 is not supported (only 2 and 3)");
        }
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes((int) version) == 2 || Integer.reverseBytes((int) version) == 3
                    ? " (a big-endian GGUF file)" : "";
            throw corrupt("header.version", 4, "unsupported version " + version + hint);
        }
        long tensorCount = count("header.tensor_count", 8 + 4 + 8 + 4 + 8);
        if (tensorCount > MAX_TENSORS) {
            throw corrupt("header.tensor_count", 8, tensorCount + " tensors; models have at most a few thousand"
                    + " (limit " + MAX_TENSORS + ")");
        }
        long kvCount = count("header.metadata_kv_count", 8 + 4 + 1);

        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String field = "metadata[" + i + "]";
            long keyAt = position;
            String key = string(field + ".key");
            if (key.isEmpty()) {
                throw corrupt(field + ".key", keyAt, "empty key");
            }
            if (metadata.containsKey(key)) {
                throw corrupt(field + ".key", keyAt, "duplicate key '" + key + "'");
            }
            String valueField = "metadata '" + key + "'";
            GgufValueType type = valueType(valueField + " value type");
            metadata.put(key, value(valueField, type, 0));
        }

        int alignment = alignment(metadata);
        List<TensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Set<String> names = new HashSet<>();
        long expectedOffset = 0;
        for (long i = 0; i < tensorCount; i++) {
            TensorInfo tensor = tensorInfo(i, alignment, expectedOffset);
            if (!names.add(tensor.name())) {
                throw corrupt("tensor[" + i + "].name", position, "duplicate tensor '" + tensor.name() + "'");
            }
            tensors.add(tensor);
            expectedOffset = Math.addExact(tensor.offset(), pad(tensor.byteSize(), alignment));
        }

        long dataOffset = pad(position, alignment);
        if (dataOffset > fileSize || expectedOffset > fileSize - dataOffset) {
            throw corrupt("data region", dataOffset, "tensor data needs " + expectedOffset + " bytes from offset "
                    + dataOffset + " but the file has " + fileSize + " bytes (truncated?)");
        }
        return new GgufFile(path, (int) version, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableList(tensors), alignment, dataOffset, fileSize);
    }

    private TensorInfo tensorInfo(long index, int alignment, long expectedOffset) throws IOException {
        long nameAt = position;
        String name = string("tensor[" + index + "].name");
        if (position - nameAt - 8 >= MAX_TENSOR_NAME_BYTES) {
            throw corrupt("tensor[" + index + "].name", nameAt, "name of " + (position - nameAt - 8)
                    + " bytes; ggml allows fewer than " + MAX_TENSOR_NAME_BYTES);
        }
        String field = "tensor '" + name + "'";
        long dimsAt = position;
        long nDims = uint32(field + " n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw corrupt(field + " n_dims", dimsAt, "must be 1.." + MAX_DIMS + ", got " + nDims);
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimAt = position;
            dims[d] = int64(field + " dims[" + d + "]");
            if (dims[d] < 0) {
                throw corrupt(field + " dims[" + d + "]", dimAt, "negative dimension " + dims[d]);
            }
            if (dims[d] != 0 && elements > Long.MAX_VALUE / dims[d]) {
                throw corrupt(field + " dims[" + d + "]", dimAt, "element count overflows int64");
            }
            elements *= dims[d];
        }
        long typeAt = position;
        long typeId = uint32(field + " type");
        GgmlType type = GgmlType.byId(typeId)
                .orElseThrow(() -> corrupt(field + " type", typeAt, "unknown ggml type " + typeId));
        if (dims[0] % type.blockSize() != 0) {
            throw corrupt(field + " dims[0]", dimsAt + 4, "row of " + dims[0] + " elements is not a multiple of "
                    + type + "'s block size " + type.blockSize());
        }
        long byteSize;
        try {
            byteSize = Math.multiplyExact(type.rowBytes(dims[0]), dims[0] == 0 ? 0 : elements / dims[0]);
        } catch (ArithmeticException e) {
            throw corrupt(field + " dims", dimsAt, "byte size overflows int64");
        }
        if (byteSize > fileSize) {
            throw corrupt(field + " dims", dimsAt, byteSize + " bytes of data cannot fit in a file of " + fileSize
                    + " bytes");
        }
        long offsetAt = position;
        long offset = int64(field + " offset");
        if (offset != expectedOffset) {
            throw corrupt(field + " offset", offsetAt,
                    "data offset " + offset + ", expected " + expectedOffset + " (alignment " + alignment + ")");
        }
        return new TensorInfo(name, dims, type, offset, byteSize, 0);
    }

    private int alignment(Map<String, Object> metadata) throws GgufFormatException {
        Object value = metadata.get(ALIGNMENT_KEY);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof Long a) || a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw corrupt("metadata '" + ALIGNMENT_KEY + "'", position,
                    "must be a power of two as uint32, got " + value);
        }
        return (int) (long) a;
    }

    private Object value(String field, GgufValueType type, int depth) throws IOException {
        return switch (type) {
            case UINT8 -> (long) (bytes(field, 1).get() & 0xff);
            case INT8 -> (long) bytes(field, 1).get();
            case UINT16 -> (long) (bytes(field, 2).getShort() & 0xffff);
            case INT16 -> (long) bytes(field, 2).getShort();
            case UINT32 -> uint32(field);
            case INT32 -> (long) bytes(field, 4).getInt();
            case UINT64, INT64 -> int64(field);
            case FLOAT32 -> (double) bytes(field, 4).getFloat();
            case FLOAT64 -> bytes(field, 8).getDouble();
            case BOOL -> {
                long at = position;
                byte b = bytes(field, 1).get();
                if (b != 0 && b != 1) {
                    throw corrupt(field, at, "bool must be 0 or 1, got " + b);
                }
                yield b == 1;
            }
            case STRING -> string(field);
            case ARRAY -> array(field, depth);
        };
    }

    private GgufArray array(String field, int depth) throws IOException {
        if (depth >= MAX_ARRAY_NESTING) {
            throw corrupt(field, position, "arrays nested deeper than " + MAX_ARRAY_NESTING);
        }
        GgufValueType elementType = valueType(field + " element type");
        long count = count(field + " count", elementType.minimumSize());
        boolean keep = count <= MAX_KEPT_ARRAY;
        if (!keep && elementType.fixedSize() > 0) {
            // count was checked against the bytes left, so count * size cannot overflow
            skip(field + "[0.." + count + "]", count * elementType.fixedSize());
            return new GgufArray(elementType, count, null);
        }
        List<Object> values = keep ? new ArrayList<>((int) count) : null;
        for (long i = 0; i < count; i++) {
            String elementField = field + "[" + i + "]";
            if (keep) {
                keep(elementField, position, KEPT_VALUE_OVERHEAD);
                values.add(value(elementField, elementType, depth + 1));
            } else {
                skipValue(elementField, elementType, depth + 1);
            }
        }
        return new GgufArray(elementType, count, values == null ? null : Collections.unmodifiableList(values));
    }

    private void skipValue(String field, GgufValueType type, int depth) throws IOException {
        switch (type) {
            case STRING -> {
                long at = position;
                long length = int64(field + " length");
                checkLength(field, at, length);
                skip(field, length);
            }
            case ARRAY -> array(field, depth);
            default -> skip(field, type.fixedSize());
        }
    }

    private GgufValueType valueType(String field) throws IOException {
        long at = position;
        long id = uint32(field);
        return GgufValueType.byId(id).orElseThrow(() -> corrupt(field, at, "unknown value type " + id));
    }

    private String string(String field) throws IOException {
        long at = position;
        long length = int64(field + " length");
        checkLength(field, at, length);
        if (length > MAX_STRING_BYTES) {
            throw corrupt(field + " length", at, "string of " + length + " bytes is over the "
                    + MAX_STRING_BYTES + "-byte limit");
        }
        keep(field, at, length);
        byte[] data = new byte[(int) length];
        int done = 0;
        while (done < data.length) {
            int chunk = Math.min(window.capacity(), data.length - done);
            bytes(field, chunk).get(data, done, chunk);
            done += chunk;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(field, at + 8, "string is not valid UTF-8");
        }
    }

    private void keep(String field, long at, long bytes) throws GgufFormatException {
        keptBytes += bytes;
        if (keptBytes > MAX_KEPT_BYTES) {
            throw corrupt(field, at, "the header would keep over " + (MAX_KEPT_BYTES >> 20) + " MiB of strings"
                    + " and values; a model's header keeps well under 1 MiB");
        }
    }

    private void checkLength(String field, long at, long length) throws GgufFormatException {
        if (length < 0 || length > fileSize - position) {
            throw corrupt(field + " length", at, "length " + Long.toUnsignedString(length) + " but only "
                    + (fileSize - position) + " bytes are left in the file");
        }
    }

    /** Reads a uint64 count and checks that the rest of the file could hold that many items of minItemSize. */
    private long count(String field, int minItemSize) throws IOException {
        long at = position;
        long count = int64(field);
        long left = fileSize - position;
        if (count < 0 || (minItemSize > 0 && count > left / minItemSize)) {
            throw corrupt(field, at, "count " + Long.toUnsignedString(count) + " cannot fit in the "
                    + left + " bytes left in the file");
        }
        return count;
    }

    private long uint32(String field) throws IOException {
        return bytes(field, 4).getInt() & 0xffffffffL;
    }

    private long int64(String field) throws IOException {
        return bytes(field, 8).getLong();
    }

    private void skip(String field, long n) throws IOException {
        if (n > fileSize - position) {
            throw truncated(field, n);
        }
        position += n;
    }

    /** Makes n bytes at the current position readable from the window and advances past them. */
    private ByteBuffer bytes(String field, int n) throws IOException {
        if (n > fileSize - position) {
            throw truncated(field, n);
        }
        long relative = position - windowStart;
        if (relative < 0 || relative + n > window.limit()) {
            window.clear();
            channel.position(position);
            while (window.position() < n) {
                if (channel.read(window) < 0) {
                    throw truncated(field, n);
                }
            }
            window.flip();
            windowStart = position;
            relative = 0;
        }
        window.position((int) relative);
        position += n;
        return window;
    }

    private GgufFormatException truncated(String field, long needed) {
        return corrupt(field, position, "file truncated: " + needed + " bytes needed, "
                + Math.max(0, fileSize - position) + " left (file size " + fileSize + ")");
    }

    private GgufFormatException corrupt(String field, long at, String problem) {
        return new GgufFormatException(path, field, at, problem);
    }

    static long pad(long value, int alignment) {
        return Math.addExact(value, alignment - 1) / alignment * alignment;
    }
}
