package io.rigpool.planner.placement;

import java.util.Map;

/** Average bits per weight of llama.cpp's file types ({@code general.file_type}), for approximate footprints. */
final class QuantizationBits {

    /** Q4_K_M, the most common file type, when the type is unknown. */
    static final double DEFAULT = 4.85;

    private static final Map<Integer, Double> BITS = Map.ofEntries(
            Map.entry(0, 32.0), Map.entry(1, 16.0), Map.entry(2, 4.5), Map.entry(3, 5.0), Map.entry(7, 8.5),
            Map.entry(8, 5.5), Map.entry(9, 6.0), Map.entry(10, 3.35), Map.entry(11, 3.5), Map.entry(12, 3.9),
            Map.entry(13, 4.27), Map.entry(14, 4.58), Map.entry(15, 4.85), Map.entry(16, 5.54),
            Map.entry(17, 5.69), Map.entry(18, 6.56), Map.entry(19, 2.06), Map.entry(20, 2.31),
            Map.entry(21, 3.0), Map.entry(22, 3.3), Map.entry(23, 3.06), Map.entry(24, 1.56), Map.entry(25, 4.5),
            Map.entry(26, 3.44), Map.entry(27, 3.66), Map.entry(28, 2.5), Map.entry(29, 2.7),
            Map.entry(30, 4.25), Map.entry(31, 1.75), Map.entry(32, 16.0));

    private QuantizationBits() {
    }

    static double of(String fileType) {
        try {
            return BITS.getOrDefault(Integer.parseInt(fileType.trim()), DEFAULT);
        } catch (NumberFormatException e) {
            return DEFAULT;
        }
    }
}
