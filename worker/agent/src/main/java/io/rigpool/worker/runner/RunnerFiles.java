package io.rigpool.worker.runner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The directory of one runner process and the files in it. */
public record RunnerFiles(Path dir) {

    private static final int TAIL_BYTES = 64 * 1024;

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
        return tail(output(), lines);
    }

    /** The last lines of a file, reading at most its last {@value #TAIL_BYTES} bytes: llama.log keeps growing. */
    static List<String> tail(Path file, int lines) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            int length = (int) Math.min(size, TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            channel.position(size - length);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read until full
            }
            List<String> all = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines()
                    .toList();
            if (length < size && !all.isEmpty()) {
                all = all.subList(1, all.size());
            }
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every line of a file written so far; empty when it is not there yet. */
    public static List<String> lines(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
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
