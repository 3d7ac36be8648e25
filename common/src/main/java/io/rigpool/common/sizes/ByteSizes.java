package io.rigpool.common.sizes;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints sizes the way people write them: "8GiB", "8 GB", "24000MiB", "512M", "17179869184". One grammar
 * for every setting, request and owner control of every service.
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)b?\\s*");

    private ByteSizes() {
    }

    /**
     * Binary units with "i" (GiB = 2^30), decimal without (GB = 10^9); a bare "G"/"M" is binary, as in llama.cpp
     * and most tools.
     *
     * @throws IllegalArgumentException naming the text when it is no size
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a size: nothing given (try 8GiB, 8GB or 8192MiB)");
        }
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (try 8GiB, 8GB or 8192MiB)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        boolean binary = !m.group(3).isEmpty() || (!unit.isEmpty() && !text.toLowerCase(Locale.ROOT).trim()
                .endsWith("b"));
        int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
        double base = binary ? 1024 : 1000;
        double bytes = value * Math.pow(base, power);
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return Math.round(bytes);
    }

    /** "4.58 GiB", "280.01 MiB": binary units, two decimals, like llama.cpp's log. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    /** Whole mebibytes, "2048 MiB", for logs and the worker's status page. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024d * 1024));
    }

    /** Decimal gigabytes with one decimal, as card makers count: "19.0 GB". */
    public static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
