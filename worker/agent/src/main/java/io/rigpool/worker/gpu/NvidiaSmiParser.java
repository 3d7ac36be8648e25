package io.rigpool.worker.gpu;

import io.rigpool.proto.v1.Gpu;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output of {@code nvidia-smi --query-gpu=index,name,uuid,memory.total,memory.used,memory.free,
 * driver_version --format=csv,noheader,nounits}: one line per GPU, memory in MiB.
 */
public final class NvidiaSmiParser {

    /** The query this parser reads, in its column order. */
    public static final List<String> ARGUMENTS = List.of(
            "--query-gpu=index,name,uuid,memory.total,memory.used,memory.free,driver_version",
            "--format=csv,noheader,nounits");

    private static final long MIB = 1024L * 1024L;
    private static final int COLUMNS = 7;

    private NvidiaSmiParser() {
    }

    /** @throws IllegalArgumentException naming the line that does not fit the query */
    public static List<Gpu> parse(String output) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != COLUMNS) {
                throw new IllegalArgumentException("nvidia-smi line has " + cells.length + " columns, expected "
                        + COLUMNS + ": '" + line + "'");
            }
            Gpu.Builder gpu = Gpu.newBuilder()
                    .setIndex((int) number(cells[0], "index", line))
                    .setName(cells[1].strip())
                    .setUuid(cells[2].strip())
                    .setTotalBytes(mib(cells[3], "memory.total", line))
                    .setUsedBytes(mib(cells[4], "memory.used", line))
                    .setFreeBytes(mib(cells[5], "memory.free", line))
                    .setDriver(cells[6].strip());
            gpus.add(gpu.build());
        }
        return gpus;
    }

    /** nvidia-smi writes "[N/A]" or "[Not Supported]" for memory it cannot read (some laptop and MIG setups). */
    private static long mib(String cell, String column, String line) {
        String value = cell.strip();
        if (value.startsWith("[")) {
            return 0;
        }
        return number(value, column, line) * MIB;
    }

    private static long number(String cell, String column, String line) {
        try {
            return Long.parseLong(cell.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nvidia-smi " + column + " is not a number in '" + line + "'");
        }
    }
}
