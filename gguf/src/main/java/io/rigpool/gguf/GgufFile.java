package io.rigpool.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The header of one GGUF file: version, metadata in file order, tensor table, and where the data region starts.
 */
public record GgufFile(Path path, int version, Map<String, Object> metadata, List<TensorInfo> tensors,
        int alignment, long dataOffset, long fileSize) {

    public Optional<Object> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public Optional<String> string(String key) {
        return value(key).filter(String.class::isInstance).map(String.class::cast);
    }

    public Optional<Long> integer(String key) {
        return value(key).filter(v -> v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte).map(v -> ((Number) v).longValue());
    }

    public Optional<Double> number(String key) {
        return value(key).filter(Number.class::isInstance).map(v -> ((Number) v).doubleValue());
    }

    public Optional<GgufArray> array(String key) {
        return value(key).filter(GgufArray.class::isInstance).map(GgufArray.class::cast);
    }

    /** Total bytes of all tensor data in this file. */
    public long tensorBytes() {
        long sum = 0;
        for (TensorInfo t : tensors) {
            sum += t.byteSize();
        }
        return sum;
    }
}
