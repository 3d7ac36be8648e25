package io.rigpool.common.hardware;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA GeForce RTX desktop cards (20, 30, 40 and 50 series) with their VRAM and memory bandwidth, for when a
 * node reports a GPU by name only (nvidia-smi's "NVIDIA GeForce RTX 4070 Ti SUPER") or a what-if names a card.
 * Figures are NVIDIA's specifications; where a model exists with two memory sizes both are listed and the VRAM a
 * node reports picks the entry.
 */
public final class RtxCards {

    private static final long GIB = 1L << 30;
    private static final Pattern RTX = Pattern.compile("rtx\\s*(\\d{4})(.*)");

    private static final List<GpuSpec> CARDS = List.of(
            card("GeForce RTX 2060", 6, 336),
            card("GeForce RTX 2060 Super", 8, 448),
            card("GeForce RTX 2070", 8, 448),
            card("GeForce RTX 2070 Super", 8, 448),
            card("GeForce RTX 2080", 8, 448),
            card("GeForce RTX 2080 Super", 8, 496),
            card("GeForce RTX 2080 Ti", 11, 616),
            card("GeForce RTX 3050", 8, 224),
            card("GeForce RTX 3060", 12, 360),
            card("GeForce RTX 3060", 8, 240),
            card("GeForce RTX 3060 Ti", 8, 448),
            card("GeForce RTX 3070", 8, 448),
            card("GeForce RTX 3070 Ti", 8, 608),
            card("GeForce RTX 3080", 10, 760),
            card("GeForce RTX 3080", 12, 912),
            card("GeForce RTX 3080 Ti", 12, 912),
            card("GeForce RTX 3090", 24, 936),
            card("GeForce RTX 3090 Ti", 24, 1008),
            card("GeForce RTX 4060", 8, 272),
            card("GeForce RTX 4060 Ti", 8, 288),
            card("GeForce RTX 4060 Ti", 16, 288),
            card("GeForce RTX 4070", 12, 504),
            card("GeForce RTX 4070 Super", 12, 504),
            card("GeForce RTX 4070 Ti", 12, 504),
            card("GeForce RTX 4070 Ti Super", 16, 672),
            card("GeForce RTX 4080", 16, 717),
            card("GeForce RTX 4080 Super", 16, 736),
            card("GeForce RTX 4090", 24, 1008),
            card("GeForce RTX 5060", 8, 448),
            card("GeForce RTX 5060 Ti", 8, 448),
            card("GeForce RTX 5060 Ti", 16, 448),
            card("GeForce RTX 5070", 12, 672),
            card("GeForce RTX 5070 Ti", 16, 896),
            card("GeForce RTX 5080", 16, 960),
            card("GeForce RTX 5090", 32, 1792));

    private RtxCards() {
    }

    public static List<GpuSpec> all() {
        return CARDS;
    }

    /**
     * The card a device name describes, e.g. "NVIDIA GeForce RTX 4070 Ti SUPER", "rtx 3090", "RTX4060". Laptop GPUs
     * ("Laptop GPU") are not desktop cards and are not matched. When the model comes in two memory sizes, the
     * first listed is returned; use {@link #byName(String, long)} with the reported VRAM to choose.
     */
    public static Optional<GpuSpec> byName(String deviceName) {
        return byName(deviceName, 0);
    }

    /** As {@link #byName(String)}, choosing among memory variants the one closest to {@code reportedVram}. */
    public static Optional<GpuSpec> byName(String deviceName, long reportedVram) {
        String key = normalize(deviceName);
        if (key == null) {
            return Optional.empty();
        }
        return CARDS.stream().filter(c -> normalize(c.name()).equals(key))
                .min(Comparator.comparingLong(c -> reportedVram <= 0 ? 0 : Math.abs(c.vramBytes() - reportedVram)));
    }

    /** "rtx 4070 ti super" from any spelling; null when the name is no desktop RTX card. */
    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replace("nvidia", "").replace("geforce", "").trim();
        if (lower.contains("laptop") || lower.contains("mobile") || lower.contains("max-q")) {
            return null;
        }
        Matcher m = RTX.matcher(lower);
        if (!m.find()) {
            return null;
        }
        String rest = m.group(2).replaceAll("\\d+\\s*gb", " ").replaceAll("[^a-z ]", " ").trim();
        StringBuilder suffix = new StringBuilder();
        for (String word : rest.split("\\s+")) {
            if (word.equals("ti") || word.equals("super")) {
                suffix.append(' ').append(word);
            }
        }
        return "rtx " + m.group(1) + suffix;
    }

    private static GpuSpec card(String name, int vramGiB, double bandwidthGBps) {
        return new GpuSpec(name, vramGiB * GIB, bandwidthGBps);
    }
}
