package io.rigpool.gguf.shapes;

import io.rigpool.gguf.GgmlType;
import java.util.Arrays;

/**
 * One tensor of a real model as the converter writes it, before quantization: name and dims (ggml order).
 *
 * @param sourceType the type the converted (unquantized) file holds: F32 for norms, biases and rope tables, F16 for
 *     the weight matrices; the quantizer keeps every tensor it may not quantize at this type
 */
public record TensorShape(String name, GgmlType sourceType, long... dims) {

    public TensorShape {
        dims = dims.clone();
    }

    public static TensorShape weight(String name, long... dims) {
        return new TensorShape(name, GgmlType.F16, dims);
    }

    /** A tensor the converter writes as F32: norms, biases, rope tables, routers (any rank). */
    public static TensorShape vector(String name, long... dims) {
        return new TensorShape(name, GgmlType.F32, dims);
    }

    /** llama.cpp quantizes only 2-D (and 3-D expert) tensors whose name ends in "weight" and that are no norms. */
    boolean quantizable() {
        return dims.length >= 2 && name.endsWith("weight") && !name.contains("_norm.weight")
                && !name.contains("ffn_gate_inp.weight");
    }

    /** The repeating layer of a {@code blk.N.} tensor, or -1. */
    int layer() {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        return Integer.parseInt(name.substring(4, name.indexOf('.', 4)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape t && name.equals(t.name) && sourceType == t.sourceType
                && Arrays.equals(dims, t.dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(dims);
    }
}
