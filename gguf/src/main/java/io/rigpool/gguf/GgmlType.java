package io.rigpool.gguf;

import java.util.Optional;

/**
 * The tensor element types of ggml as llama.cpp b4916 numbers them, with the block geometry that decides how many
 * bytes a tensor takes: {@code bytes = elements / blockSize * typeSize}. Ids 4, 5 and 31-33, 36-38 were removed
 * from ggml (old Q4_2/Q4_3 and the repacked Q4_0_x_y/IQ4_NL_x_y types) and are refused. MXFP4 (39) came after
 * b4916, with gpt-oss: java-llama.cpp cannot load it, but a llama-server of a current build can, so the planner
 * must be able to size a file that has it.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    /** OCP microscaling FP4: 32 four-bit values and one shared E8M0 exponent byte per block. */
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    public static Optional<GgmlType> byId(long id) {
        if (id < 0 || id >= BY_ID.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_ID[(int) id]);
    }

    /**
     * Bytes of one row of {@code rowLength} elements, as ggml_row_size computes it.
     *
     * @throws IllegalArgumentException when the row is not a whole number of blocks
     */
    public long rowBytes(long rowLength) {
        if (rowLength % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " needs rows in multiples of " + blockSize + " elements, got " + rowLength);
        }
        return Math.multiplyExact(rowLength / blockSize, (long) typeSize);
    }
}
