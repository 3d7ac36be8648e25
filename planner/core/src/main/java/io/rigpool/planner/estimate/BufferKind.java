package io.rigpool.planner.estimate;

/** The kinds of buffer llama.cpp logs (and the runner reports as rigpool.v1.BufferKind). */
public enum BufferKind {
    /** Weights: "model buffer size". */
    MODEL,
    /** The KV cache: "KV buffer size". */
    KV,
    /** Intermediate results of the graph: "compute buffer size". */
    COMPUTE,
    /** Logits handed back to the caller: "output buffer size". */
    OUTPUT
}
