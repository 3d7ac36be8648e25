package io.rigpool.worker.gpu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as people write them in this worker's settings and owner controls: a number with an optional unit,
 * {@code 12GiB}, {@code 9000 MiB}, {@code 8GB}, {@code 512MB}, {@code 0}. Binary units are powers of 1024, decimal
 * ones powers of 1000; no unit means bytes.
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(GiB|MiB|KiB|GB|MB|KB|B)?",
            Pattern.CASE_INSENSITIVE);
    private static final double MIB = 1024d * 1024;

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException when the text is not a size; the message quotes it */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + (text == null ? "" : text.strip())
                    + "' is not a size such as 8GiB or 9000MiB");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        double factor = switch (unit) {
            case "GIB" -> 1024 * MIB;
            case "MIB" -> MIB;
            case "KIB" -> 1024;
            case "GB" -> 1e9;
            case "MB" -> 1e6;
            case "KB" -> 1e3;
            default -> 1;
        };
        return Math.round(value * factor);
    }

    /** {@code 2048 MiB}-style text for logs and the status page. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
    }
}
