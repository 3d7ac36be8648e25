package io.rigpool.worker.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The directory of one runner process and the files in it. */
public record RunnerFiles(Path dir) {

    public Path nativeDir() {
        return dir.resolve("native");
    }

    public Path llamaLog() {
        return dir.resolve("llama.log");
    }

    public Path portFile() {
        return dir.resolve("port");
    }

    /** Written by the runner instead of the port file when it cannot serve: the reason, in words. */
    public Path errorFile() {
        return dir.resolve("port.error");
    }

    /** The runner's standard output and error (the JVM's messages, llama.cpp's stderr). */
    public Path output() {
        return dir.resolve("runner.out");
    }

    static RunnerFiles create(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        RunnerFiles files = new RunnerFiles(Files.createTempDirectory(parent, prefix + "-"));
        Files.createDirectories(files.nativeDir());
        return files;
    }

    Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last lines of the runner's output, for a crash report. */
    List<String> tail(int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(output()), StandardCharsets.UTF_8).lines().toList();
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    void delete() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover directory in the temp folder is harmless.
        }
    }
}
