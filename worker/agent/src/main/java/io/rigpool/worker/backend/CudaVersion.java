package io.rigpool.worker.backend;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CUDA version as drivers and toolkits write it, "13.0" or "12.4". A driver runs any runtime of its own major
 * version or older (CUDA's minor version compatibility: a 12.8 build runs on a 12.4 driver); the probe still has
 * the last word.
 */
public record CudaVersion(int major, int minor) implements Comparable<CudaVersion> {

    static final CudaVersion NONE = new CudaVersion(0, 0);
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    public static Optional<CudaVersion> parse(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CudaVersion(Integer.parseInt(m.group(1)),
                m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
    }

    /** Whether a driver that supports this version runs a runtime of {@code needed}. */
    public boolean runs(CudaVersion needed) {
        return major >= needed.major;
    }

    @Override
    public int compareTo(CudaVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
