package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import java.util.Set;

/**
 * The llama.cpp builds the estimator knows, and the memory rules that changed between them. Weights are placed the
 * same way in both; the KV cache, flash attention's default and the compute graph are not.
 */
public enum LlamaBuild {
    /**
     * java-llama.cpp 4.2.0's llama.cpp (March 2025): one KV cache of n_ctx cells (padded to 32, or 256 with flash
     * attention) shared by all slots, sliding-window layers included; flash attention off unless asked for; its
     * worst-case graph is replayed exactly ({@code graph.TransformerGraph}).
     */
    B4916("b4916", false, Set.of(GgmlType.Q4_0), "CPU_AARCH64"),
    /**
     * The llama.cpp snapshot of 2026-09-28 (commit de3ff81, from npm's node-llama-cpp 3.22.1) that the
     * llama-server engine runs: a KV stream per slot of {@code n_ctx / slots} cells padded to 256 (llama-server's
     * default without --kv-unified); sliding-window layers (Gemma 2/3 every 2nd/6th layer global, gpt-oss every
     * 2nd) keep only {@code window + n_ubatch} cells per stream; flash attention on by default ("auto", which CPU
     * and CUDA support); an AVX2 CPU repacks Q4_0, Q4_K, IQ4_NL and MXFP4 matrices, experts included (ggml-cpu's
     * repack.cpp). Its graphs are not replayed: compute buffers are modelled, with llama-server's worst case of one
     * output row per slot.
     */
    SNAPSHOT_2026_09("2026-09-28 (de3ff81)", true, Set.of(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.IQ4_NL,
            GgmlType.MXFP4), "CPU_REPACK");

    /** What every build since pads the context (and each slot's share of it) to. */
    private static final int STREAM_PADDING = 256;

    private final String label;
    private final boolean flashAttentionByDefault;
    private final Set<GgmlType> repacked;
    private final String repackBuffer;

    LlamaBuild(String label, boolean flashAttentionByDefault, Set<GgmlType> repacked, String repackBuffer) {
        this.label = label;
        this.flashAttentionByDefault = flashAttentionByDefault;
        this.repacked = repacked;
        this.repackBuffer = repackBuffer;
    }

    /**
     * Whether a CPU that repacks (AVX2 x86, ARM dotprod) moves this weight into the repacked buffer: a matrix of a
     * type the build repacks, rows in groups of 8 (its 8x8 kernels), read by a matrix product (the embedding is read
     * by rows).
     */
    boolean repacks(ModelGeometry.Weight w) {
        return repacked.contains(w.type()) && w.dims().length >= 2 && w.dims()[1] % 8 == 0
                && !w.name().equals("token_embd.weight");
    }

    /** The repacked buffer's name in llama.cpp's log. */
    String repackBuffer() {
        return repackBuffer;
    }

    /** How reasons and benchmark rows name the build. */
    public String label() {
        return label;
    }

    /** Whether a runner that does not ask otherwise computes attention with flash attention. */
    public boolean flashAttentionByDefault() {
        return flashAttentionByDefault;
    }

    /** KV cells of one layer (all slots together). */
    long kvCells(ModelGeometry m, int layer, LoadParameters p) {
        if (this == B4916) {
            return p.kvCells();
        }
        long slots = p.parallelSlots();
        long context = pad(p.contextSize(), STREAM_PADDING);
        long perSlot = Math.max(STREAM_PADDING, pad(context / slots, STREAM_PADDING));
        if (slidingWindow(m, layer)) {
            long microBatch = Math.min(Math.min(context, p.batchSize()), p.microBatchSize());
            perSlot = pad(Math.min(perSlot, m.slidingWindow() + microBatch), STREAM_PADDING);
        }
        return perSlot * slots;
    }

    /**
     * Cells the worst-case graph attends over: the whole cache in b4916; one slot's stream of a full-attention
     * layer in later builds.
     */
    long graphKvCells(ModelGeometry m, LoadParameters p) {
        if (this == B4916) {
            return p.kvCells();
        }
        for (int il = 0; il < m.layers(); il++) {
            if (!slidingWindow(m, il)) {
                return kvCells(m, il, p) / p.parallelSlots();
            }
        }
        return m.layers() == 0 ? STREAM_PADDING : kvCells(m, 0, p) / p.parallelSlots();
    }

    /** Whether the current build keeps only a window of this layer's cache (llama_hparams::set_swa_pattern). */
    static boolean slidingWindow(ModelGeometry m, int layer) {
        if (m.slidingWindow() <= 0) {
            return false;
        }
        int pattern = switch (m.architecture()) {
            case "gemma2", "gpt-oss" -> 2;
            case "gemma3" -> 6;
            case "cohere2" -> 4;
            default -> 0;
        };
        return pattern > 0 && layer % pattern < pattern - 1;
    }

    private static long pad(long value, long to) {
        return (value + to - 1) / to * to;
    }
}
