package io.rigpool.worker.gpu;

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
 * Finds this PC's GPUs: from nvidia-smi when it is on the PATH (live free memory, which already excludes what the
 * owner's game uses), else from the configured override, else none (CPU-only).
 */
public final class GpuDiscovery {

    private static final Logger LOG = Logger.getLogger(GpuDiscovery.class);
    private static final long TIMEOUT_SECONDS = 10;

    private final Optional<Path> nvidiaSmi;
    private final List<Gpu> override;

    public GpuDiscovery(String nvidiaSmiCommand, Optional<String> overrideSpec) {
        this.nvidiaSmi = onPath(nvidiaSmiCommand);
        this.override = overrideSpec.map(GpuOverrideParser::parse).orElse(List.of());
    }

    /** Where the GPUs come from, for the startup log. */
    public String source() {
        if (nvidiaSmi.isPresent()) {
            return "nvidia-smi (" + nvidiaSmi.get() + ")";
        }
        return override.isEmpty() ? "none (CPU-only)" : "configuration (rigpool.worker.gpus)";
    }

    /** The GPUs now; a failing nvidia-smi is logged and the override (or nothing) is reported instead. */
    public List<Gpu> discover() {
        if (nvidiaSmi.isPresent()) {
            try {
                return query(nvidiaSmi.get());
            } catch (IOException | RuntimeException e) {
                LOG.warnf("nvidia-smi failed (%s); reporting %s", e.getMessage(),
                        override.isEmpty() ? "no GPU" : "the configured GPUs");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return override;
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
