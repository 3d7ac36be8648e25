package io.rigpool.planner.placement;

/**
 * A way to run a model: how many requests one runner decodes together and the context (KV cache) it holds for
 * them. More slots serve more tokens per second under load (one pass over the weights feeds every slot) but need a
 * larger KV cache, which leaves fewer layers room on the GPU.
 *
 * @param parallelSlots llama.cpp's n_parallel
 * @param contextSize llama.cpp's n_ctx: the whole cache, shared by the slots
 */
public record SlotLayout(int parallelSlots, int contextSize) implements Comparable<SlotLayout> {

    public SlotLayout {
        if (parallelSlots < 1) {
            throw new IllegalArgumentException("parallelSlots: must be >= 1, got " + parallelSlots);
        }
        if (contextSize < parallelSlots) {
            throw new IllegalArgumentException("contextSize: must be >= parallelSlots, got " + contextSize);
        }
    }

    /** Tokens of context each slot gets. */
    public int contextPerSlot() {
        return contextSize / parallelSlots;
    }

    @Override
    public int compareTo(SlotLayout o) {
        int bySlots = Integer.compare(parallelSlots, o.parallelSlots);
        return bySlots != 0 ? bySlots : Integer.compare(contextSize, o.contextSize);
    }

    @Override
    public String toString() {
        return parallelSlots + "×" + contextPerSlot() + " ctx";
    }
}
