package io.rigpool.worker.gpu;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** RAM and CPU of this PC, next to its GPUs in what the planner is told. */
public final class HostResources {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostResources() {
    }

    public static int cpuThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static long ramTotalBytes() {
        return meminfo("MemTotal").orElseGet(() -> os().getTotalMemorySize());
    }

    /**
     * RAM a new runner could use. On Linux that is MemAvailable (free plus reclaimable page cache); MemFree alone
     * would call a machine full whose RAM merely caches files.
     */
    public static long ramFreeBytes() {
        return meminfo("MemAvailable").orElseGet(() -> os().getFreeMemorySize());
    }

    /** A value of /proc/meminfo in bytes, e.g. {@code MemAvailable:   12345678 kB}. */
    static OptionalLong parseMeminfo(String meminfo, String key) {
        for (String line : meminfo.lines().toList()) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).strip().split("\\s+");
                long value = Long.parseLong(parts[0]);
                return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value);
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong meminfo(String key) {
        if (!Files.isReadable(MEMINFO)) {
            return OptionalLong.empty();
        }
        try {
            return parseMeminfo(Files.readString(MEMINFO), key);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static OperatingSystemMXBean os() {
        return (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }
}
