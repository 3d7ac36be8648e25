package io.rigpool.gguf;

import java.util.Arrays;

/**
 * One entry of a GGUF tensor table: where the tensor's data lies and how many bytes it has. The data itself is
 * never read.
 *
 * @param dims ggml order: {@code dims[0]} is the innermost (row) length
 * @param offset offset of the data relative to the start of the file's data region
 * @param fileIndex which file of a split model holds it (0 for a single file)
 */
public record TensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize, int fileIndex) {

    public long elements() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The repeating layer this tensor belongs to ({@code blk.N.}), or -1. */
    public int layer() {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int end = name.indexOf('.', 4);
        if (end < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(4, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims) && type == t.type
                && offset == t.offset && byteSize == t.byteSize && fileIndex == t.fileIndex;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " (" + byteSize + " B)";
    }
}
