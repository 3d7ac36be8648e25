package io.rigpool.common.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a secret to a file that only the current user can read, whole or not at all: the gateway's bootstrap admin
 * key, a worker's node credential, the local stack's Kafka passwords.
 */
public final class OwnerOnlyFile {

    private OwnerOnlyFile() {
    }

    public static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // Created with owner-only permissions, so the secret is never readable by others, not even briefly.
            temp = Files.createTempFile(dir, ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            // Windows: a file in the user's profile inherits its owner-only access list.
            temp = Files.createTempFile(dir, ".key", ".tmp");
        }
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
