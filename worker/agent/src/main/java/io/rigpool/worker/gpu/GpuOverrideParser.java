package io.rigpool.worker.gpu;

import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.proto.v1.Gpu;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a GPU list written by hand, for machines without nvidia-smi and for tests: comma- or line-separated
 * {@code name:total[:free]}, e.g. {@code RTX 4060:8GiB} or {@code RTX 3060:12GiB:9GiB}. Free defaults to total.
 * Lines starting with {@code #} are comments.
 */
public final class GpuOverrideParser {

    private static final String SETTING = "rigpool.worker.gpus";

    private GpuOverrideParser() {
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static List<Gpu> parse(String spec) {
        return parse(spec, SETTING);
    }

    /**
     * @param source where the text came from (a setting or a file), named in errors
     * @throws IllegalArgumentException naming the source and the entry that is wrong
     */
    public static List<Gpu> parse(String spec, String source) {
        List<Gpu> gpus = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return gpus;
        }
        for (String line : spec.lines().toList()) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            for (String entry : line.split(",")) {
                if (!entry.isBlank()) {
                    gpus.add(gpu(entry.strip(), gpus.size(), source));
                }
            }
        }
        return gpus;
    }

    private static Gpu gpu(String entry, int index, String source) {
        String[] parts = entry.split(":");
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException(source + ": '" + entry
                    + "' is not name:total[:free], e.g. 'RTX 3060:12GiB:9GiB'");
        }
        long total = bytes(parts[1], entry, source);
        long free = parts.length == 3 ? bytes(parts[2], entry, source) : total;
        if (free > total) {
            throw new IllegalArgumentException(source + ": '" + entry + "' has more free than total memory");
        }
        return Gpu.newBuilder()
                .setIndex(index)
                .setName(parts[0].strip())
                .setTotalBytes(total)
                .setFreeBytes(free)
                .setUsedBytes(total - free)
                .build();
    }

    private static long bytes(String text, String entry, String source) {
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": '" + text.strip() + "' in '" + entry
                    + "' is not a size such as 8GiB or 9000MiB");
        }
    }
}
