package io.rigpool.worker.gpu;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import io.rigpool.proto.v1.Gpu;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Finds this PC's GPUs and their free memory now. Sources, first found wins: nvidia-smi on the PATH (live free
 * memory, which already excludes what the owner's game uses); a GPU file ({@code rigpool.worker.gpus-file}), read
 * again on every call so that an owner's script or a test can change it while the worker runs; the fixed list
 * {@code rigpool.worker.gpus}; none (CPU-only). Each GPU's memory bandwidth comes from the RTX card table, 0 when the
 * card is not in it.
 */
public final class GpuDiscovery {

    private static final Logger LOG = Logger.getLogger(GpuDiscovery.class);
    private static final long TIMEOUT_SECONDS = 10;

    private final Optional<Path> nvidiaSmi;
    private final Optional<Path> gpusFile;
    private final List<Gpu> fixed;
    private List<Gpu> lastFromFile = List.of();
    private String lastProblem = "";

    public GpuDiscovery(String nvidiaSmiCommand, Optional<String> fixedSpec, Optional<Path> gpusFile) {
        this.nvidiaSmi = onPath(nvidiaSmiCommand);
        this.gpusFile = gpusFile;
        this.fixed = withBandwidth(fixedSpec.map(GpuOverrideParser::parse).orElse(List.of()));
    }

    /** Where the GPUs come from, for the startup log. */
    public String source() {
        if (nvidiaSmi.isPresent()) {
            return "nvidia-smi (" + nvidiaSmi.get() + ")";
        }
        if (gpusFile.isPresent()) {
            return "the GPU file " + gpusFile.get() + " (read every poll)";
        }
        return fixed.isEmpty() ? "none (CPU-only)" : "configuration (rigpool.worker.gpus)";
    }

    /**
     * The GPUs now. A failing nvidia-smi is logged and the configured GPUs (or none) are reported instead; a GPU
     * file that cannot be read or parsed keeps the last list read from it.
     */
    public synchronized List<Gpu> discover() {
        if (nvidiaSmi.isPresent()) {
            try {
                return withBandwidth(query(nvidiaSmi.get()));
            } catch (IOException | RuntimeException e) {
                warnOnce("nvidia-smi failed (" + e.getMessage() + "); reporting " + (fixed.isEmpty() ? "no GPU"
                        : "the configured GPUs"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fixed;
        }
        if (gpusFile.isPresent()) {
            return fromFile(gpusFile.get());
        }
        return fixed;
    }

    private List<Gpu> fromFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            lastFromFile = withBandwidth(GpuOverrideParser.parse(text, "rigpool.worker.gpus-file " + file));
            lastProblem = "";
        } catch (IOException e) {
            warnOnce("cannot read the GPU file " + file + " (" + e + "); keeping the last GPUs read from it");
        } catch (IllegalArgumentException e) {
            warnOnce(e.getMessage() + "; keeping the last GPUs read from it");
        }
        return lastFromFile;
    }

    /** A problem that persists is logged once, not every second. */
    private void warnOnce(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.warn(problem);
            lastProblem = problem;
        }
    }

    /** Adds the memory bandwidth of each card found in the RTX table; 0 (unknown) for the others. */
    static List<Gpu> withBandwidth(List<Gpu> gpus) {
        List<Gpu> out = new ArrayList<>(gpus.size());
        for (Gpu gpu : gpus) {
            double gbps = RtxCards.byName(gpu.getName(), gpu.getTotalBytes()).map(GpuSpec::bandwidthGBps).orElse(0.0);
            out.add(gpu.toBuilder().setBandwidthGbps(gbps).build());
        }
        return List.copyOf(out);
    }

    private static List<Gpu> query(Path command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(command.toString());
        line.addAll(NvidiaSmiParser.ARGUMENTS);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("no answer within " + TIMEOUT_SECONDS + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("exit code " + process.exitValue() + ": " + text.strip());
        }
        return NvidiaSmiParser.parse(text);
    }

    private static Optional<Path> onPath(String command) {
        Path given = Path.of(command);
        if (given.isAbsolute()) {
            return Files.isExecutable(given) ? Optional.of(given) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : List.of(command, command + ".exe")) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
