package io.rigpool.planner.estimate;

/**
 * The KV cache as llama.cpp allocates it: for every layer a K and a V tensor of the build's cells (see
 * {@link LlamaBuild#kvCells}), in the cache types, on the layer's device. Sliding-window layers (Gemma 2/3) get the
 * full context in b4916; newer builds shrink them, which is why the build matters.
 */
final class KvCacheSizes {

    private KvCacheSizes() {
    }

    /** K + V bytes of each layer. */
    static long[] perLayer(ModelGeometry m, LoadParameters p, LlamaBuild build) {
        long[] bytes = new long[m.layers()];
        for (int il = 0; il < m.layers(); il++) {
            long cells = build.kvCells(m, il, p);
            long k = p.cacheTypeK().rowBytes(roundToBlock(m.kvWidthK(il), p.cacheTypeK().blockSize())) * cells;
            long v = p.cacheTypeV().rowBytes(roundToBlock(m.kvWidthV(il), p.cacheTypeV().blockSize())) * cells;
            bytes[il] = k + v;
        }
        return bytes;
    }

    private static long roundToBlock(long width, int block) {
        return (width + block - 1) / block * block;
    }
}
