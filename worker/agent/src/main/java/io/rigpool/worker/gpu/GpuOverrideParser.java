package io.rigpool.worker.gpu;

import io.rigpool.proto.v1.Gpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configured GPU list of a machine without nvidia-smi: comma-separated {@code name:total[:free]}, e.g.
 * {@code RTX 4060:8GiB} or {@code RTX 3060:12GiB:9GiB}. Free defaults to total.
 */
public final class GpuOverrideParser {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(GiB|MiB|GB|MB|B)?",
            Pattern.CASE_INSENSITIVE);

    private GpuOverrideParser() {
    }

    /** @throws IllegalArgumentException naming the entry that is wrong */
    public static List<Gpu> parse(String spec) {
        List<Gpu> gpus = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return gpus;
        }
        for (String entry : spec.split(",")) {
            String[] parts = entry.strip().split(":");
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
                throw new IllegalArgumentException("rigpool.worker.gpus: '" + entry.strip()
                        + "' is not name:total[:free], e.g. 'RTX 3060:12GiB:9GiB'");
            }
            long total = bytes(parts[1], entry);
            long free = parts.length == 3 ? bytes(parts[2], entry) : total;
            if (free > total) {
                throw new IllegalArgumentException("rigpool.worker.gpus: '" + entry.strip()
                        + "' has more free than total memory");
            }
            gpus.add(Gpu.newBuilder()
                    .setIndex(gpus.size())
                    .setName(parts[0].strip())
                    .setTotalBytes(total)
                    .setFreeBytes(free)
                    .setUsedBytes(total - free)
                    .build());
        }
        return gpus;
    }

    private static long bytes(String text, String entry) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("rigpool.worker.gpus: '" + text.strip() + "' in '" + entry.strip()
                    + "' is not a size such as 8GiB or 9000MiB");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        double factor = switch (unit) {
            case "GIB" -> 1024d * 1024 * 1024;
            case "MIB" -> 1024d * 1024;
            case "GB" -> 1e9;
            case "MB" -> 1e6;
            default -> 1;
        };
        return Math.round(value * factor);
    }
}
