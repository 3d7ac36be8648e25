package io.rigpool.bench.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPU as the NVIDIA driver sees it, through nvidia-smi: the only figure of GPU memory that includes what
 * llama.cpp does not log (the CUDA context, kernels loaded on first use, cuBLAS workspaces, the memory pool).
 * nvidia-smi reports MiB, so every figure here is known to 1 MiB.
 */
final class NvidiaSmi {

    private static final long MIB = 1L << 20;
    private static final long TIMEOUT_SECONDS = 20;
    private static final Pattern CUDA_VERSION = Pattern.compile("CUDA Version:\\s*([0-9.]+)");

    /** What the first GPU is: name, driver, the newest CUDA the driver supports, its memory. */
    record Device(String name, String driverVersion, String cudaVersion, long totalBytes) {
    }

    private final Path command;

    private NvidiaSmi(Path command) {
        this.command = command;
    }

    /** nvidia-smi on the PATH, when there is one and it answers (no driver: it exits non-zero). */
    static Optional<NvidiaSmi> find() {
        Optional<Path> onPath = onPath("nvidia-smi");
        if (onPath.isEmpty()) {
            return Optional.empty();
        }
        NvidiaSmi smi = new NvidiaSmi(onPath.get());
        try {
            smi.device();
            return Optional.of(smi);
        } catch (IOException e) {
            System.out.println("nvidia-smi is there but does not answer (" + e.getMessage() + "): no GPU");
            return Optional.empty();
        }
    }

    Device device() throws IOException {
        List<String> lines = query("--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits");
        String[] f = fields(lines.get(0), 3);
        String cuda = "unknown";
        Matcher m = CUDA_VERSION.matcher(String.join("\n", run(List.of())));
        if (m.find()) {
            cuda = m.group(1);
        }
        return new Device(f[0], f[1], cuda, Long.parseLong(f[2]) * MIB);
    }

    /** Memory in use on the first GPU, by every process together. */
    long usedBytes() throws IOException {
        return Long.parseLong(query("--query-gpu=memory.used", "--format=csv,noheader,nounits").get(0).trim())
                * MIB;
    }

    /**
     * The GPU memory one process uses, when the driver can name it: inside a container nvidia-smi often lists no
     * process or the host's process ids, and then this is empty and the caller falls back to the device's total.
     */
    OptionalLong processBytes(long pid) throws IOException {
        for (String line : query("--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits")) {
            String[] f = line.split(",");
            if (f.length == 2 && f[0].trim().equals(Long.toString(pid))) {
                try {
                    return OptionalLong.of(Long.parseLong(f[1].trim()) * MIB);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private List<String> query(String... arguments) throws IOException {
        List<String> lines = run(List.of(arguments)).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            if (arguments[0].startsWith("--query-compute-apps")) {
                return lines;
            }
            throw new IOException("nvidia-smi " + String.join(" ", arguments) + " printed nothing");
        }
        return lines;
    }

    private List<String> run(List<String> arguments) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(command.toString());
        line.addAll(arguments);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("nvidia-smi gave no answer within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("nvidia-smi exit " + process.exitValue() + ": " + text.strip());
        }
        return text.lines().toList();
    }

    private static String[] fields(String line, int count) throws IOException {
        String[] f = line.split(",");
        if (f.length < count) {
            throw new IOException("unexpected nvidia-smi line: " + line);
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].trim();
        }
        return f;
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
