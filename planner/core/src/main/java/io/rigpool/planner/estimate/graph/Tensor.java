package io.rigpool.planner.estimate.graph;

import io.rigpool.gguf.GgmlType;
import java.util.Arrays;
import java.util.List;

/**
 * A node of a simulated ggml graph: shape, strides and type as ggml computes them, the operation and its sources,
 * and whether its memory lives outside the compute buffer (weights, KV cache) or is a view of another tensor.
 */
final class Tensor {

    final int id;
    final String name;
    final Op op;
    final GgmlType type;
    final long[] ne;
    final long[] nb;
    final List<Tensor> src;
    /** The tensor whose memory this view shares (never itself a view), or null. */
    final Tensor viewSrc;
    /** Memory outside the graph allocator: a weight or the KV cache. */
    final boolean external;
    boolean input;

    Tensor(int id, String name, Op op, GgmlType type, long[] ne, long[] nb, List<Tensor> src, Tensor viewSrc,
            boolean external) {
        this.id = id;
        this.name = name;
        this.op = op;
        this.type = type;
        this.ne = ne;
        this.nb = nb;
        this.src = src;
        this.viewSrc = viewSrc;
        this.external = external;
    }

    boolean isView() {
        return viewSrc != null;
    }

    /** ggml_nbytes of a contiguous tensor: the only kind the allocator places. */
    long bytes() {
        long rows = ne[1] * ne[2] * ne[3];
        return type.rowBytes(ne[0]) * rows;
    }

    boolean sameLayout(Tensor other) {
        return type == other.type && Arrays.equals(ne, other.ne) && Arrays.equals(nb, other.nb);
    }

    static long[] contiguousStrides(GgmlType type, long[] ne) {
        long[] nb = new long[4];
        nb[0] = type.typeSize();
        nb[1] = type.rowBytes(ne[0]);
        nb[2] = nb[1] * ne[1];
        nb[3] = nb[2] * ne[2];
        return nb;
    }

    @Override
    public String toString() {
        return name + "(" + op + " " + type + " " + Arrays.toString(ne) + ")";
    }
}
