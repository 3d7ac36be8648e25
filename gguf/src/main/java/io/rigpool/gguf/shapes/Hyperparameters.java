package io.rigpool.gguf.shapes;

/**
 * The hyperparameters of a real model as its GGUF file states them.
 *
 * @param keyLength head dimension of K (and Q); for most models embedding / heads
 * @param valueLength head dimension of V
 * @param ropeFrequencyTable whether the file carries {@code rope_freqs.weight} (Llama 3.1+ rope scaling)
 * @param slidingWindow the sliding-window size llama.cpp reads for this architecture, or 0
 */
public record Hyperparameters(int blockCount, int embedding, int feedForward, int heads, int kvHeads, int keyLength,
        int valueLength, int contextLength, int ropeDimension, double ropeFrequencyBase, double normEpsilon,
        boolean ropeFrequencyTable, int slidingWindow) {

    public int kvWidthK() {
        return kvHeads * keyLength;
    }

    public int kvWidthV() {
        return kvHeads * valueLength;
    }

    public int queryWidth() {
        return heads * keyLength;
    }
}
