package io.rigpool.gguf;

import java.util.List;

/**
 * A metadata array. Small arrays (per-layer head counts, say) are kept whole; large ones (a 150k-token vocabulary)
 * keep only their element type and count, so reading a header never costs more memory than the estimate needs.
 *
 * @param values the elements, or {@code null} when the array was larger than the reader keeps
 */
public record GgufArray(GgufValueType elementType, long count, List<Object> values) {

    public boolean materialized() {
        return values != null;
    }

    /** The element at {@code index} as a long (integer element types only). */
    public long longAt(int index) {
        if (values == null) {
            throw new IllegalStateException("array of " + count + " elements was not kept");
        }
        return ((Number) values.get(index)).longValue();
    }
}
