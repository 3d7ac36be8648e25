package io.rigpool.worker.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NVIDIA driver's version and the newest CUDA it supports, from the banner of a plain {@code nvidia-smi}
 * ("Driver Version: 580.65.06     CUDA Version: 13.0"): which natives folder can run here is the driver's word.
 */
public record NvidiaDriver(String version, CudaVersion cuda) {

    private static final Pattern DRIVER = Pattern.compile("Driver Version:\\s*(\\S+)");
    private static final Pattern CUDA = Pattern.compile("CUDA Version:\\s*(\\d+\\.\\d+)");
    private static final long TIMEOUT_SECONDS = 10;

    /** Reads the banner; empty when nvidia-smi is missing, fails, or does not say. */
    public static Optional<NvidiaDriver> query(String nvidiaSmi) {
        try {
            Process process = new ProcessBuilder(nvidiaSmi).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? parse(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static Optional<NvidiaDriver> parse(String banner) {
        Matcher driver = DRIVER.matcher(banner);
        Matcher cuda = CUDA.matcher(banner);
        if (!driver.find() || !cuda.find()) {
            return Optional.empty();
        }
        return CudaVersion.parse(cuda.group(1)).map(version -> new NvidiaDriver(driver.group(1), version));
    }
}
