package io.rigpool.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The java-llama.cpp JNI library this process really mapped. java-llama.cpp's loader tries
 * {@code de.kherud.llama.lib.path}, then {@code java.library.path}, then the CPU library inside its jar, and says
 * that a library failed to load only on stderr: a folder of CUDA natives that does not load silently means CPU.
 * The kernel's map of this process is the one record that cannot be wrong.
 */
final class NativeLibraryInUse {

    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final String LIBRARY = "jllama";

    private NativeLibraryInUse() {
    }

    /** The absolute path of the mapped library; empty where the process map cannot be read (not Linux). */
    static Optional<String> path() {
        try {
            return inMaps(Files.readAllLines(MAPS));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Lines as /proc/PID/maps writes them; the path is the last field of the line. */
    static Optional<String> inMaps(List<String> lines) {
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash).strip();
            String name = Path.of(path).getFileName().toString();
            if (name.contains(LIBRARY) && (name.endsWith(".so") || name.contains(".so.") || name.endsWith(".dylib"))) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }
}
