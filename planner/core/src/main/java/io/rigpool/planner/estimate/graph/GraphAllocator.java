package io.rigpool.planner.estimate.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays ggml-alloc's graph allocator (ggml_gallocr_alloc_graph_impl with its dynamic best-fit allocator) over a
 * simulated graph and reports the buffer size it would reserve. Rules kept from llama.cpp b4916: inputs and leafs
 * are placed first; a node may take over the memory of a source that dies with it when its op allows in-place use
 * and the layouts match; a tensor is freed once its last consumer and its last view are done; free blocks are
 * chosen best-fit, the block at the end of the buffer only as a last resort.
 */
final class GraphAllocator {

    private static final class State {
        int children;
        int views;
        boolean allocated;
        long offset;
    }

    private final Map<Tensor, State> states = new HashMap<>();
    private final DynamicAllocator memory;

    private GraphAllocator(long alignment) {
        this.memory = new DynamicAllocator(alignment);
    }

    /** The compute buffer size for the graph, in bytes. */
    static long bufferSize(GraphBuilder graph, long alignment) {
        GraphAllocator allocator = new GraphAllocator(alignment);
        allocator.run(graph.leafs(), graph.nodes());
        return allocator.memory.maxSize();
    }

    private State state(Tensor t) {
        return states.computeIfAbsent(t, k -> new State());
    }

    private boolean isAllocated(Tensor t) {
        return t.external || state(t).allocated;
    }

    private void run(List<Tensor> leafs, List<Tensor> nodes) {
        for (Tensor leaf : leafs) {
            allocate(leaf);
        }
        for (Tensor node : nodes) {
            if (node.isView() && node.op != Op.NONE) {
                state(node.viewSrc).views++;
            }
            if (node.input) {
                allocate(node);
            }
            for (Tensor s : node.src) {
                state(s).children++;
                if (s.input) {
                    allocate(s);
                }
            }
        }
        for (Tensor node : nodes) {
            for (Tensor parent : node.src) {
                allocate(parent);
            }
            allocate(node);
            for (Tensor parent : new ArrayList<>(node.src)) {
                release(parent);
            }
        }
    }

    private void allocate(Tensor node) {
        if (isAllocated(node) || node.isView()) {
            return;
        }
        State hn = state(node);
        hn.allocated = true;
        if (node.op.canInplace()) {
            for (Tensor parent : node.src) {
                // A view never counts as "own" memory (its allocated flag is never set), so only plain parents
                // can be reused in place.
                if (parent.external || !state(parent).allocated || !node.sameLayout(parent)) {
                    continue;
                }
                State p = state(parent);
                if (p.children == 1 && p.views == 0) {
                    hn.offset = p.offset;
                    p.allocated = false;
                    return;
                }
            }
        }
        hn.offset = memory.allocate(node.bytes());
    }

    private void release(Tensor parent) {
        State p = state(parent);
        p.children--;
        if (p.children != 0 || p.views != 0) {
            return;
        }
        if (parent.isView()) {
            State base = state(parent.viewSrc);
            base.views--;
            if (base.views == 0 && base.children == 0 && base.allocated) {
                free(parent.viewSrc);
            }
        } else if (p.allocated) {
            free(parent);
        }
    }

    private void free(Tensor t) {
        State s = state(t);
        memory.free(s.offset, t.bytes());
        s.allocated = false;
    }
}
