package io.rigpool.bench.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The benchmark's child processes: started with their output in a file, waited for with a deadline, ended. */
public final class Processes {

    private Processes() {
    }

    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Starts with standard input left a pipe: children given the exit-with-parent flag end with this JVM. */
    public static Process start(List<String> command, Path output) throws IOException {
        Files.createDirectories(output.toAbsolutePath().getParent());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Polls until the condition holds; fails with the process's last output when it dies or time runs out. */
    public static void await(String what, Process process, Path output, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(what + ": the process exited with " + process.exitValue() + ":\n"
                        + tail(output));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + timeout + ":\n" + tail(output));
            }
        }
    }

    public static void end(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
