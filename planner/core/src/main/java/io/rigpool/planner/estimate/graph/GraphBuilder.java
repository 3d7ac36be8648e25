package io.rigpool.planner.estimate.graph;

import io.rigpool.gguf.GgmlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The subset of ggml's graph API that llama.cpp's model builders use, computing result shapes, strides and view
 * relations exactly as ggml.c does, plus {@code ggml_build_forward_expand}'s depth-first ordering of nodes and
 * leafs. Nothing is computed; the result feeds {@link GraphAllocator}.
 */
final class GraphBuilder {

    private final List<Tensor> nodes = new ArrayList<>();
    private final List<Tensor> leafs = new ArrayList<>();
    private final Set<Tensor> visited = new HashSet<>();
    private int nextId;

    List<Tensor> nodes() {
        return nodes;
    }

    List<Tensor> leafs() {
        return leafs;
    }

    // ---- tensors without an operation

    /** A model weight or KV-cache tensor: its memory is outside the compute buffer. */
    Tensor external(String name, GgmlType type, long... ne) {
        long[] shape = shape(ne);
        return add(name, Op.NONE, type, shape, Tensor.contiguousStrides(type, shape), List.of(), null, true);
    }

    /** A graph input (ggml_set_input): allocated in the compute buffer before any node. */
    Tensor input(String name, GgmlType type, long... ne) {
        long[] shape = shape(ne);
        Tensor t = add(name, Op.NONE, type, shape, Tensor.contiguousStrides(type, shape), List.of(), null, false);
        t.input = true;
        return t;
    }

    // ---- views (no memory of their own)

    Tensor reshape(Tensor a, long... ne) {
        long[] shape = shape(ne);
        return view(a, Op.RESHAPE, shape, Tensor.contiguousStrides(a.type, shape));
    }

    /** ggml_view_Nd: explicit strides nb1.. (nb0 is the element size). */
    Tensor view(Tensor a, long[] ne, long... strides) {
        long[] shape = shape(ne);
        long[] nb = new long[4];
        nb[0] = a.type.typeSize();
        for (int i = 1; i < 4; i++) {
            nb[i] = i - 1 < strides.length ? strides[i - 1] : nb[i - 1] * shape[i - 1];
        }
        return view(a, Op.VIEW, shape, nb);
    }

    Tensor permute(Tensor a, int ax0, int ax1, int ax2, int ax3) {
        int[] axes = {ax0, ax1, ax2, ax3};
        long[] ne = new long[4];
        long[] nb = new long[4];
        for (int i = 0; i < 4; i++) {
            ne[axes[i]] = a.ne[i];
            nb[axes[i]] = a.nb[i];
        }
        return view(a, Op.PERMUTE, ne, nb);
    }

    Tensor transpose(Tensor a) {
        return permute(a, 1, 0, 2, 3);
    }

    private Tensor view(Tensor a, Op op, long[] ne, long[] nb) {
        Tensor base = a.isView() ? a.viewSrc : a;
        return add(a.name + "_" + op.name().toLowerCase(java.util.Locale.ROOT), op, a.type, ne, nb, List.of(a),
                base, false);
    }

    // ---- operations

    Tensor getRows(Tensor a, Tensor rows) {
        GgmlType type = a.type == GgmlType.I32 ? GgmlType.I32 : GgmlType.F32;
        return compute("get_rows", Op.GET_ROWS, type, new long[] {a.ne[0], rows.ne[0], rows.ne[1], rows.ne[2]},
                a, rows);
    }

    Tensor mulMat(Tensor a, Tensor b) {
        return compute("mul_mat", Op.MUL_MAT, GgmlType.F32, new long[] {a.ne[1], b.ne[1], b.ne[2], b.ne[3]}, a, b);
    }

    Tensor rmsNorm(Tensor a) {
        return like("rms_norm", Op.RMS_NORM, a);
    }

    Tensor mul(Tensor a, Tensor b) {
        return like("mul", Op.MUL, a, b);
    }

    Tensor add(Tensor a, Tensor b) {
        return like("add", Op.ADD, a, b);
    }

    Tensor scale(Tensor a) {
        return like("scale", Op.SCALE, a);
    }

    /** silu, gelu, tanh: ggml_unary. */
    Tensor unary(Tensor a) {
        return like("unary", Op.UNARY, a);
    }

    Tensor rope(Tensor a, Tensor positions, Tensor frequencyFactors) {
        return frequencyFactors == null ? like("rope", Op.ROPE, a, positions)
                : like("rope", Op.ROPE, a, positions, frequencyFactors);
    }

    Tensor softMax(Tensor a, Tensor mask) {
        return like("soft_max", Op.SOFT_MAX, a, mask);
    }

    Tensor cont(Tensor a, long... ne) {
        return compute("cont", Op.CONT, a.type, shape(ne.length == 0 ? a.ne : ne), a);
    }

    /** ggml_cpy: the result is a view of the destination. */
    Tensor cpy(Tensor a, Tensor destination) {
        Tensor base = destination.isView() ? destination.viewSrc : destination;
        return add("cpy", Op.CPY, destination.type, destination.ne.clone(), destination.nb.clone(),
                List.of(a, destination), base, false);
    }

    /** ggml_cast: a CPY node whose second source is the result itself, as ggml.c builds it. */
    Tensor cast(Tensor a, GgmlType type) {
        long[] ne = a.ne.clone();
        List<Tensor> src = new ArrayList<>(List.of(a));
        Tensor t = add("cast", Op.CPY, type, ne, Tensor.contiguousStrides(type, ne), src, null, false);
        src.add(t);
        return t;
    }

    Tensor flashAttention(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return compute("flash_attn_ext", Op.FLASH_ATTN_EXT, GgmlType.F32,
                new long[] {v.ne[0], q.ne[2], q.ne[1], q.ne[3]}, q, k, v, mask);
    }

    // ---- graph order

    /** ggml_build_forward_expand: appends the not yet visited ancestors of t, sources first, then t. */
    void expand(Tensor t) {
        if (!visited.add(t)) {
            return;
        }
        for (Tensor s : t.src) {
            expand(s);
        }
        if (t.op == Op.NONE) {
            leafs.add(t);
        } else {
            nodes.add(t);
        }
    }

    private Tensor like(String name, Op op, Tensor a, Tensor... more) {
        return compute(name, op, a.type, a.ne.clone(), prepend(a, more));
    }

    private Tensor compute(String name, Op op, GgmlType type, long[] ne, Tensor... src) {
        long[] shape = shape(ne);
        return add(name, op, type, shape, Tensor.contiguousStrides(type, shape), List.of(src), null, false);
    }

    private static Tensor[] prepend(Tensor a, Tensor[] more) {
        Tensor[] all = new Tensor[more.length + 1];
        all[0] = a;
        System.arraycopy(more, 0, all, 1, more.length);
        return all;
    }

    private Tensor add(String name, Op op, GgmlType type, long[] ne, long[] nb, List<Tensor> src, Tensor viewSrc,
            boolean external) {
        return new Tensor(nextId++, name, op, type, ne, nb, src, viewSrc, external);
    }

    private static long[] shape(long[] ne) {
        long[] shape = Arrays.copyOf(ne, 4);
        for (int i = ne.length; i < 4; i++) {
            shape[i] = 1;
        }
        return shape;
    }
}
