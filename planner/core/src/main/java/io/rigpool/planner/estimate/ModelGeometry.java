package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.GgufArray;
import io.rigpool.gguf.GgufFormatException;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the memory estimate needs to know about a model, read once from its GGUF header: hyperparameters as
 * llama.cpp b4916 interprets them (per-layer head counts where the file has arrays, head dimensions, the vocabulary
 * size, the experts of a mixture-of-experts model) and the tensor table (names, types, byte sizes), never the
 * weights themselves.
 */
public final class ModelGeometry {

    /** More experts per layer than any model has (DeepSeek and Kimi: 256-384); a larger count is a bad file. */
    public static final int MAX_EXPERTS = 4096;

    /**
     * The routed experts' tensors of a layer, as llama.cpp's {@code --n-cpu-moe} matches them
     * ({@code LLM_FFN_EXPS_REGEX}: {@code .ffn_(up|down|gate|gate_up)_(ch|)exps}); weights and gpt-oss' biases alike.
     * Shared experts ({@code _shexp}) and the router ({@code ffn_gate_inp}) are read by every token and are not.
     */
    private static final Pattern EXPERT_TENSOR = Pattern.compile(
            "blk\\.\\d+\\.ffn_(up|down|gate|gate_up)_(ch|)exps(\\..*)?");

    /**
     * One tensor: enough to place it on a device, to size the graph ops that read it, and to know which part of
     * which file llama.cpp maps for it.
     *
     * @param layer the repeating layer ({@code blk.N.}), or -1
     * @param offset start of its data relative to its file's data region
     * @param file which file of a split model holds it
     */
    public record Weight(String name, GgmlType type, long[] dims, long bytes, int layer, long offset, int file) {
    }

    private final String name;
    private final String architecture;
    private final int layers;
    private final long embedding;
    private final long vocabulary;
    private final int[] heads;
    private final int[] kvHeads;
    private final int[] feedForward;
    private final long keyLength;
    private final long valueLength;
    private final int slidingWindow;
    private final int trainedContext;
    private final int expertCount;
    private final int expertUsedCount;
    private final List<Weight> weights;
    private final Set<String> tensorNames;

    private ModelGeometry(String name, String architecture, int layers, long embedding, long vocabulary, int[] heads,
            int[] kvHeads, int[] feedForward, long keyLength, long valueLength, int slidingWindow,
            int trainedContext, int expertCount, int expertUsedCount, List<Weight> weights) {
        this.name = name;
        this.architecture = architecture;
        this.layers = layers;
        this.embedding = embedding;
        this.vocabulary = vocabulary;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.feedForward = feedForward;
        this.keyLength = keyLength;
        this.valueLength = valueLength;
        this.slidingWindow = slidingWindow;
        this.trainedContext = trainedContext;
        this.expertCount = expertCount;
        this.expertUsedCount = expertUsedCount;
        this.weights = List.copyOf(weights);
        this.tensorNames = new HashSet<>();
        weights.forEach(w -> tensorNames.add(w.name()));
    }

    /** Reads the geometry from an opened model (a single file or all shards of a split one). */
    public static ModelGeometry of(GgufModel model) throws GgufFormatException {
        String arch = model.architecture();
        int layers = model.blockCount();
        long embedding = required(model, "embedding_length");
        int[] heads = perLayer(model, "attention.head_count", layers, null);
        int[] kvHeads = perLayer(model, "attention.head_count_kv", layers, heads);
        int[] feedForward = perLayer(model, "feed_forward_length", layers, new int[layers]);
        int firstHeads = Arrays.stream(heads).filter(h -> h > 0).findFirst().orElse(1);
        long keyLength = model.archInteger("attention.key_length").orElse(embedding / firstHeads);
        long valueLength = model.archInteger("attention.value_length").orElse(embedding / firstHeads);
        int slidingWindow = (int) (long) model.archInteger("attention.sliding_window").orElse(0L);
        long trained = model.archInteger("context_length").orElse(4096L);
        int trainedContext = (int) Math.max(1, Math.min(trained, Integer.MAX_VALUE));
        int expertCount = (int) Math.max(0, Math.min(model.archInteger("expert_count").orElse(0L), MAX_EXPERTS));
        int expertUsedCount = (int) Math.max(0, Math.min(model.archInteger("expert_used_count").orElse(0L),
                expertCount));
        List<Weight> weights = new ArrayList<>();
        for (TensorInfo t : model.tensors()) {
            weights.add(new Weight(t.name(), t.type(), t.dims().clone(), t.byteSize(), t.layer(), t.offset(),
                    t.fileIndex()));
        }
        long vocabulary = vocabulary(model, weights);
        String name = GgufModel.stem(model.path());
        return new ModelGeometry(name, arch, layers, embedding, vocabulary, heads, kvHeads, feedForward, keyLength,
                valueLength, slidingWindow, trainedContext, expertCount, expertUsedCount, weights);
    }

    /**
     * A geometry from plain fields, for a model whose GGUF header was read elsewhere (a worker sends these fields in
     * its hello, since the planner cannot read files on the PCs). Per-layer arrays must have one entry per layer.
     *
     * @param expertCount experts per mixture-of-experts layer, 0 for a dense model
     * @param expertUsedCount experts each token reads, 0 for a dense model
     * @throws IllegalArgumentException naming the first field that is missing or out of range
     */
    public static ModelGeometry of(String name, String architecture, int layers, long embedding, long vocabulary,
            int[] heads, int[] kvHeads, int[] feedForward, long keyLength, long valueLength, int slidingWindow,
            int trainedContext, int expertCount, int expertUsedCount, List<Weight> weights) {
        check(name != null && !name.isBlank(), "name", "must not be blank");
        check(architecture != null && !architecture.isBlank(), "architecture", "must not be blank");
        check(layers >= 0, "layers", "must be >= 0, got " + layers);
        check(embedding > 0, "embedding", "must be positive, got " + embedding);
        check(vocabulary >= 0, "vocabulary", "must be >= 0, got " + vocabulary);
        check(heads != null && heads.length == layers, "heads", "needs one entry per layer (" + layers + ")");
        check(kvHeads != null && kvHeads.length == layers, "kv_heads", "needs one entry per layer (" + layers + ")");
        check(feedForward != null && feedForward.length == layers, "feed_forward",
                "needs one entry per layer (" + layers + ")");
        check(Arrays.stream(heads).allMatch(h -> h >= 0) && Arrays.stream(kvHeads).allMatch(h -> h >= 0),
                "heads", "must be >= 0");
        check(keyLength > 0, "key_length", "must be positive, got " + keyLength);
        check(valueLength > 0, "value_length", "must be positive, got " + valueLength);
        check(slidingWindow >= 0, "sliding_window", "must be >= 0, got " + slidingWindow);
        check(trainedContext > 0, "trained_context", "must be positive, got " + trainedContext);
        check(expertCount >= 0 && expertCount <= MAX_EXPERTS, "expert_count",
                "must be in 0.." + MAX_EXPERTS + ", got " + expertCount);
        check(expertUsedCount >= 0 && expertUsedCount <= expertCount, "expert_used_count",
                "must be in 0..expert_count (" + expertCount + "), got " + expertUsedCount);
        check(weights != null, "tensors", "must be given");
        for (Weight w : weights) {
            check(w != null && w.name() != null && w.type() != null && w.dims() != null, "tensors",
                    "every tensor needs a name, a type and dims");
            check(w.bytes() >= 0, "tensors", w.name() + ": bytes must be >= 0");
            check(w.layer() >= -1 && w.layer() < layers, "tensors", w.name() + ": layer " + w.layer()
                    + " outside 0.." + (layers - 1));
            check(w.dims().length > 0, "tensors", w.name() + ": needs at least one dimension");
        }
        return new ModelGeometry(name, architecture, layers, embedding, vocabulary, heads.clone(), kvHeads.clone(),
                feedForward.clone(), keyLength, valueLength, slidingWindow, trainedContext, expertCount,
                expertUsedCount, weights);
    }

    private static void check(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    private static long required(GgufModel model, String suffix) throws GgufFormatException {
        Optional<Long> value = model.archInteger(suffix);
        if (value.isEmpty() || value.get() <= 0) {
            throw new GgufFormatException(model.path(), "metadata '" + model.architecture() + "." + suffix + "'", 0,
                    value.isEmpty() ? "missing" : "must be positive, got " + value.get());
        }
        return value.get();
    }

    /** A hyperparameter that may be one number for all layers or an array with one per layer. */
    private static int[] perLayer(GgufModel model, String suffix, int layers, int[] fallback)
            throws GgufFormatException {
        Optional<GgufArray> array = model.archArray(suffix);
        int[] values = new int[layers];
        if (array.isPresent() && array.get().materialized() && array.get().count() == layers) {
            for (int i = 0; i < layers; i++) {
                values[i] = (int) array.get().longAt(i);
            }
            return values;
        }
        Optional<Long> single = model.archInteger(suffix);
        if (single.isEmpty()) {
            if (fallback == null) {
                throw new GgufFormatException(model.path(), "metadata '" + model.architecture() + "." + suffix + "'",
                        0, "missing");
            }
            return fallback.clone();
        }
        Arrays.fill(values, (int) (long) single.get());
        return values;
    }

    /** llama.cpp takes the vocabulary size from the token list; the embedding's second dimension must match. */
    private static long vocabulary(GgufModel model, List<Weight> weights) throws GgufFormatException {
        Optional<GgufArray> tokens = model.header().array("tokenizer.ggml.tokens");
        if (tokens.isPresent()) {
            return tokens.get().count();
        }
        for (Weight w : weights) {
            if (w.name().equals("token_embd.weight") && w.dims().length > 1) {
                return w.dims()[1];
            }
        }
        return model.archInteger("vocab_size").orElse(0L);
    }

    public String name() {
        return name;
    }

    public String architecture() {
        return architecture;
    }

    public int layers() {
        return layers;
    }

    public long embedding() {
        return embedding;
    }

    public long vocabulary() {
        return vocabulary;
    }

    public int heads(int layer) {
        return heads[layer];
    }

    public int kvHeads(int layer) {
        return kvHeads[layer];
    }

    public int feedForward(int layer) {
        return feedForward[layer];
    }

    public long keyLength() {
        return keyLength;
    }

    public long valueLength() {
        return valueLength;
    }

    public int slidingWindow() {
        return slidingWindow;
    }

    /** The context length the model was trained for ({@code <arch>.context_length}): the useful maximum n_ctx. */
    public int trainedContext() {
        return trainedContext;
    }

    /** Experts per mixture-of-experts layer ({@code <arch>.expert_count}); 0 for a dense model. */
    public int expertCount() {
        return expertCount;
    }

    /** Experts a token is routed through per layer ({@code <arch>.expert_used_count}); 0 for a dense model. */
    public int expertUsedCount() {
        return expertUsedCount;
    }

    /** Whether the model routes tokens through a few of several experts, so that most expert weights go unread. */
    public boolean mixtureOfExperts() {
        return expertCount > 0 && weights.stream().anyMatch(w -> isExpertTensor(w.name()));
    }

    /**
     * The share of an expert tensor one token reads: expert_used_count of expert_count (1 where the counts are
     * unknown, so that nothing is left out of the bytes read).
     */
    public double expertReadShare() {
        return expertCount > 0 && expertUsedCount > 0 ? (double) expertUsedCount / expertCount : 1;
    }

    /** Whether a tensor holds routed experts (and so stays in RAM under {@code --n-cpu-moe}). */
    public static boolean isExpertTensor(String tensorName) {
        return EXPERT_TENSOR.matcher(tensorName).matches();
    }

    /** Weight bytes of all tensors (each once; a tied output head is no extra tensor). */
    public long weightBytes() {
        long sum = 0;
        for (Weight w : weights) {
            sum += w.bytes();
        }
        return sum;
    }

    /** K width of one token in one layer's cache (n_embd_k_gqa). */
    public long kvWidthK(int layer) {
        return keyLength * kvHeads[layer];
    }

    /** V width of one token in one layer's cache (n_embd_v_gqa). */
    public long kvWidthV(int layer) {
        return valueLength * kvHeads[layer];
    }

    public List<Weight> weights() {
        return weights;
    }

    public boolean hasTensor(String tensorName) {
        return tensorNames.contains(tensorName);
    }

    public Optional<Weight> weight(String tensorName) {
        return weights.stream().filter(w -> w.name().equals(tensorName)).findFirst();
    }
}
