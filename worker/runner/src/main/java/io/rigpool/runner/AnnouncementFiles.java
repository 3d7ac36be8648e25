package io.rigpool.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a runner tells the process that started it that it is ready, or why it is not: the port number in the port
 * file, or the reason in {@code <port-file>.error}. Both are written whole to a temporary name and then moved into
 * place, so a reader polling for the file never sees half of it.
 */
public final class AnnouncementFiles {

    private AnnouncementFiles() {
    }

    public static Path errorFileOf(Path portFile) {
        return portFile.resolveSibling(portFile.getFileName() + ".error");
    }

    public static void announcePort(Path portFile, int port) throws IOException {
        writeAtomically(portFile, Integer.toString(port));
    }

    public static void announceFailure(Path portFile, String reason) throws IOException {
        writeAtomically(errorFileOf(portFile), reason);
    }

    static void writeAtomically(Path target, String content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
