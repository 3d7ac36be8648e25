package io.rigpool.planner.estimate.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.gguf.GgmlType;
import org.junit.jupiter.api.Test;

class GraphAllocatorTest {

    private static final long ROW = 1024;
    private static final long ROW_BYTES = ROW * 4;

    @Test
    void inPlaceOpsReuseADyingParentEvenAnInput() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", GgmlType.F32, ROW);
        Tensor w = g.external("w", GgmlType.F32, ROW);
        g.expand(g.scale(g.mul(g.rmsNorm(x), w)));
        // rms_norm overwrites x (its only consumer); mul and scale overwrite rms_norm's result in turn
        assertEquals(ROW_BYTES, GraphAllocator.bufferSize(g, 32));
    }

    @Test
    void aParentWithAnotherConsumerIsNotOverwritten() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", GgmlType.F32, ROW);
        Tensor n = g.rmsNorm(x);
        g.expand(g.add(g.scale(n), n));
        // n (in x's place) is still read by add, so scale needs memory of its own; add then reuses scale's
        assertEquals(2 * ROW_BYTES, GraphAllocator.bufferSize(g, 32));
    }

    @Test
    void aViewIsNeverReusedInPlace() {
        // x is small, so the hole it leaves cannot take the rope result
        assertEquals(64 * 4 + 32 + 2 * ROW_BYTES, ropeAfterMatMul(true));
        assertEquals(64 * 4 + 32 + ROW_BYTES, ropeAfterMatMul(false));
    }

    private static long ropeAfterMatMul(boolean throughReshape) {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", GgmlType.F32, 64);
        Tensor positions = g.input("pos", GgmlType.I32, 1);
        Tensor mm = g.mulMat(g.external("w", GgmlType.F32, 64, ROW), x);
        Tensor source = throughReshape ? g.reshape(mm, 64, ROW / 64) : mm;
        g.expand(g.rope(source, positions, null));
        return GraphAllocator.bufferSize(g, 32);
    }
}
