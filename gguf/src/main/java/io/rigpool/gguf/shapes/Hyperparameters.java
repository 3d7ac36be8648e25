package io.rigpool.gguf.shapes;

/**
 * The hyperparameters of a real model as its GGUF file states them.
 *
 * @param keyLength head dimension of K (and Q); for most models embedding / heads
 * @param valueLength head dimension of V
 * @param ropeFrequencyTable whether the file carries {@code rope_freqs.weight} (Llama 3.1+ rope scaling)
 * @param slidingWindow the sliding-window size llama.cpp reads for this architecture, or 0
 * @param expertCount routed experts per layer of a mixture-of-experts model, 0 for a dense one
 * @param expertUsedCount experts each token is routed through
 * @param expertFeedForward the hidden width of one expert ({@code expert_feed_forward_length})
 */
public record Hyperparameters(int blockCount, int embedding, int feedForward, int heads, int kvHeads, int keyLength,
        int valueLength, int contextLength, int ropeDimension, double ropeFrequencyBase, double normEpsilon,
        boolean ropeFrequencyTable, int slidingWindow, int expertCount, int expertUsedCount,
        int expertFeedForward) {

    /** A dense model's hyperparameters. */
    public Hyperparameters(int blockCount, int embedding, int feedForward, int heads, int kvHeads, int keyLength,
            int valueLength, int contextLength, int ropeDimension, double ropeFrequencyBase, double normEpsilon,
            boolean ropeFrequencyTable, int slidingWindow) {
        this(blockCount, embedding, feedForward, heads, kvHeads, keyLength, valueLength, contextLength,
                ropeDimension, ropeFrequencyBase, normEpsilon, ropeFrequencyTable, slidingWindow, 0, 0, 0);
    }

    /** The same model with {@code layers} repeating layers. */
    public Hyperparameters withBlockCount(int layers) {
        return new Hyperparameters(layers, embedding, feedForward, heads, kvHeads, keyLength, valueLength,
                contextLength, ropeDimension, ropeFrequencyBase, normEpsilon, ropeFrequencyTable, slidingWindow,
                expertCount, expertUsedCount, expertFeedForward);
    }

    public boolean mixtureOfExperts() {
        return expertCount > 0;
    }

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
