package io.rigpool.gguf.shapes;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.write.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One real model in one quantization: the exact metadata, tensor names, shapes and per-tensor types of the file
 * llama.cpp's converter and quantizer make, written with the tensor data left as a hole. llama.cpp b4916 loads such
 * a file and creates a context, and then logs the same buffer sizes as for the real model, which is what the
 * estimator is checked against; no weights are needed.
 */
public final class RealModelShape {

    /** A tensor of the quantized file: name, ggml dims and type. */
    public record QuantizedTensor(String name, GgmlType type, long[] dims) {

        public long byteSize() {
            return GgufWriter.byteSize(type, dims);
        }
    }

    private final String name;
    private final Architecture architecture;
    private final QuantizationMix mix;
    private final Hyperparameters hyperparameters;
    private final TokenizerShape tokenizer;
    private final boolean tiedEmbedding;
    private final GgmlType uniformWeightType;
    private final List<QuantizedTensor> tensors;

    RealModelShape(String name, Architecture architecture, QuantizationMix mix, Hyperparameters hyperparameters,
            TokenizerShape tokenizer, boolean tiedEmbedding) {
        this(name, architecture, mix, hyperparameters, tokenizer, tiedEmbedding, null);
    }

    private RealModelShape(String name, Architecture architecture, QuantizationMix mix,
            Hyperparameters hyperparameters, TokenizerShape tokenizer, boolean tiedEmbedding,
            GgmlType uniformWeightType) {
        this.name = name;
        this.architecture = architecture;
        this.mix = mix;
        this.hyperparameters = hyperparameters;
        this.tokenizer = tokenizer;
        this.tiedEmbedding = tiedEmbedding;
        this.uniformWeightType = uniformWeightType;
        List<TensorShape> shapes = architecture.tensors(hyperparameters, tokenizer.size(), tiedEmbedding);
        Map<String, GgmlType> types = mix.assign(shapes, hyperparameters.blockCount(),
                hyperparameters.mixtureOfExperts());
        Map<String, TensorShape> byName = new java.util.HashMap<>();
        shapes.forEach(s -> byName.put(s.name(), s));
        List<QuantizedTensor> quantized = new ArrayList<>();
        types.forEach((tensor, type) -> {
            long[] dims = byName.get(tensor).dims();
            boolean replace = uniformWeightType != null && byName.get(tensor).quantizable()
                    && dims[0] % uniformWeightType.blockSize() == 0;
            quantized.add(new QuantizedTensor(tensor, replace ? uniformWeightType : type, dims));
        });
        this.tensors = Collections.unmodifiableList(quantized);
    }

    /**
     * The same model cut to its first {@code layers} repeating layers (named {@code <name>-<layers>L}): every
     * per-layer shape, the vocabulary and the context buffers stay real, but it loads in a second, which is what
     * tests against llama.cpp need.
     */
    public RealModelShape withBlockCount(int layers) {
        Hyperparameters cut = hyperparameters.withBlockCount(layers);
        return new RealModelShape(name + "-" + layers + "L", architecture, mix, cut, tokenizer, tiedEmbedding,
                uniformWeightType);
    }

    /**
     * The same model with every weight matrix stored as {@code type} (named {@code <name>-<type>}): on a CPU the
     * KV, compute and output buffers do not depend on the weight types, so a 1.5-bit variant lets a test check
     * them against llama.cpp at a fraction of the memory a load costs.
     */
    public RealModelShape withUniformWeightType(GgmlType type) {
        return new RealModelShape(name + "-" + type, architecture, mix, hyperparameters, tokenizer, tiedEmbedding,
                type);
    }

    /** The file stem, e.g. {@code Llama-3.1-8B-Instruct-Q4_K_M}. */
    public String name() {
        return name;
    }

    /** {@code general.architecture}, e.g. "llama". */
    public String architecture() {
        return architecture.id();
    }

    public QuantizationMix quantization() {
        return mix;
    }

    public Hyperparameters hyperparameters() {
        return hyperparameters;
    }

    public TokenizerShape tokenizer() {
        return tokenizer;
    }

    public int blockCount() {
        return hyperparameters.blockCount();
    }

    public boolean tiedEmbedding() {
        return tiedEmbedding;
    }

    /** The tensors in file order. */
    public List<QuantizedTensor> tensors() {
        return tensors;
    }

    /** Weight bytes of each repeating layer. */
    public long[] layerBytes() {
        long[] bytes = new long[blockCount()];
        for (QuantizedTensor t : tensors) {
            if (t.name().startsWith("blk.")) {
                bytes[Integer.parseInt(t.name().substring(4, t.name().indexOf('.', 4)))] += t.byteSize();
            }
        }
        return bytes;
    }

    /** Weight bytes outside the repeating layers (embedding, output head and norm, rope table). */
    public long nonLayerBytes() {
        long sum = 0;
        for (QuantizedTensor t : tensors) {
            if (!t.name().startsWith("blk.")) {
                sum += t.byteSize();
            }
        }
        return sum;
    }

    public long tensorBytes() {
        long sum = 0;
        for (QuantizedTensor t : tensors) {
            sum += t.byteSize();
        }
        return sum;
    }

    /** The size of the written file (header, vocabulary, tensor table and the data region). */
    public long fileSize() {
        return writer().fileSize();
    }

    /** Writes {@code <dir>/<name>.gguf}; the data region is a hole, so it takes a few MB of disk. */
    public Path write(Path dir) throws IOException {
        Path file = dir.resolve(name + ".gguf");
        writer().write(file);
        return file;
    }

    private GgufWriter writer() {
        GgufWriter gguf = new GgufWriter()
                .putString("general.architecture", architecture.id())
                .putString("general.type", "model")
                .putString("general.name", name)
                .putUint32("general.file_type", mix.fileType())
                .putUint32("general.quantization_version", 2);
        architecture.writeHyperparameters(gguf, hyperparameters, tokenizer.size());
        tokenizer.writeTo(gguf);
        for (QuantizedTensor t : tensors) {
            gguf.sparseTensor(t.name(), t.type(), t.dims());
        }
        return gguf;
    }

    @Override
    public String toString() {
        return name;
    }
}
