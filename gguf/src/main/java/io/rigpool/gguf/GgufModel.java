package io.rigpool.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as llama.cpp loads it: one GGUF file, or the shards {@code name-00001-of-0000N.gguf} of a split model,
 * which count as one model whose metadata comes from the first shard and whose tensors are the union of all.
 */
public final class GgufModel {

    private static final Pattern SHARD = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private final List<GgufFile> files;
    private final List<TensorInfo> tensors;

    private GgufModel(List<GgufFile> files, List<TensorInfo> tensors) {
        this.files = files;
        this.tensors = tensors;
    }

    /** Opens a single file, or every shard of a split model when given any shard of it. */
    public static GgufModel open(Path path) throws IOException {
        Optional<ShardName> shard = ShardName.parse(path);
        if (shard.isEmpty()) {
            GgufFile file = GgufReader.read(path);
            return new GgufModel(List.of(file), file.tensors());
        }
        ShardName name = shard.get();
        List<GgufFile> files = new ArrayList<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (int i = 0; i < name.count(); i++) {
            Path part = name.path(i);
            if (!Files.exists(part)) {
                throw new GgufFormatException(part, "split file", 0,
                        "shard " + (i + 1) + " of " + name.count() + " is missing");
            }
            GgufFile file = GgufReader.read(part);
            long splitNo = file.integer("split.no").orElse((long) i);
            if (splitNo != i) {
                throw new GgufFormatException(part, "metadata 'split.no'", 0,
                        "says shard " + splitNo + " but the file name says " + i);
            }
            files.add(file);
            for (TensorInfo t : file.tensors()) {
                tensors.add(new TensorInfo(t.name(), t.dims(), t.type(), t.offset(), t.byteSize(), i));
            }
        }
        Optional<Long> shards = files.get(0).integer("split.count");
        if (shards.isPresent() && shards.get() != name.count()) {
            throw new GgufFormatException(files.get(0).path(), "metadata 'split.count'", 0,
                    "says " + shards.get() + " shards but the file name says " + name.count());
        }
        Optional<Long> declared = files.get(0).integer("split.tensors.count");
        if (declared.isPresent() && declared.get() != tensors.size()) {
            throw new GgufFormatException(files.get(0).path(), "metadata 'split.tensors.count'", 0,
                    "declares " + declared.get() + " tensors but the shards hold " + tensors.size());
        }
        return new GgufModel(Collections.unmodifiableList(files), Collections.unmodifiableList(tensors));
    }

    /** A single-file model from a header already read (for callers that read from memory). */
    static GgufModel of(GgufFile file) {
        return new GgufModel(List.of(file), file.tensors());
    }

    /** True for any file a model directory scan should open on its own: a plain file or the first shard. */
    public static boolean isModelEntryPoint(Path path) {
        String name = path.getFileName().toString();
        if (!name.endsWith(".gguf")) {
            return false;
        }
        return ShardName.parse(path).map(s -> s.index() == 0).orElse(true);
    }

    /** The file name without shard suffix and extension: what a model id is made of. */
    public static String stem(Path path) {
        return ShardName.parse(path).map(ShardName::prefix).orElseGet(() -> {
            String name = path.getFileName().toString();
            return name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
        });
    }

    public GgufFile header() {
        return files.get(0);
    }

    public List<GgufFile> files() {
        return files;
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Path path() {
        return header().path();
    }

    public long sizeBytes() {
        long sum = 0;
        for (GgufFile f : files) {
            sum += f.fileSize();
        }
        return sum;
    }

    public String architecture() throws GgufFormatException {
        return header().string("general.architecture").orElseThrow(
                () -> new GgufFormatException(path(), "metadata 'general.architecture'", 0, "missing"));
    }

    /** An integer hyperparameter under the architecture's prefix, e.g. {@code llama.block_count}. */
    public Optional<Long> archInteger(String suffix) throws GgufFormatException {
        return header().integer(architecture() + "." + suffix);
    }

    public Optional<Double> archNumber(String suffix) throws GgufFormatException {
        return header().number(architecture() + "." + suffix);
    }

    public Optional<GgufArray> archArray(String suffix) throws GgufFormatException {
        return header().array(architecture() + "." + suffix);
    }

    public int blockCount() throws GgufFormatException {
        long n = archInteger("block_count").orElseThrow(() -> new GgufFormatException(path(),
                "metadata '" + architectureOrUnknown() + ".block_count'", 0, "missing"));
        if (n < 0 || n > 100_000) {
            throw new GgufFormatException(path(), "metadata '" + architectureOrUnknown() + ".block_count'", 0,
                    "implausible value " + n);
        }
        return (int) n;
    }

    /** Weight bytes of each repeating layer ({@code blk.N.*}), exact from the tensor table. */
    public long[] layerBytes() throws GgufFormatException {
        long[] bytes = new long[blockCount()];
        for (TensorInfo t : tensors) {
            int layer = t.layer();
            if (layer >= 0 && layer < bytes.length) {
                bytes[layer] += t.byteSize();
            }
        }
        return bytes;
    }

    /** Weight bytes outside the repeating layers: embeddings, output head, final norm, rope tables. */
    public long nonLayerBytes() throws GgufFormatException {
        int blocks = blockCount();
        long sum = 0;
        for (TensorInfo t : tensors) {
            int layer = t.layer();
            if (layer < 0 || layer >= blocks) {
                sum += t.byteSize();
            }
        }
        return sum;
    }

    public Optional<TensorInfo> tensor(String name) {
        for (TensorInfo t : tensors) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private String architectureOrUnknown() {
        return header().string("general.architecture").orElse("?");
    }

    private record ShardName(Path dir, String prefix, int index, int count) {

        static Optional<ShardName> parse(Path path) {
            Matcher m = SHARD.matcher(path.getFileName().toString());
            if (!m.matches()) {
                return Optional.empty();
            }
            int no = Integer.parseInt(m.group(2));
            int count = Integer.parseInt(m.group(3));
            if (no < 1 || count < 1 || no > count) {
                return Optional.empty();
            }
            Path dir = path.toAbsolutePath().getParent();
            return Optional.of(new ShardName(dir, m.group(1), no - 1, count));
        }

        Path path(int i) {
            return dir.resolve(String.format("%s-%05d-of-%05d.gguf", prefix, i + 1, count));
        }
    }
}
