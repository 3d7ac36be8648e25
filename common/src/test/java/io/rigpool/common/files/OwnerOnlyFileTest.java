package io.rigpool.common.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFileTest {

    @Test
    void theSecretIsReadableByItsOwnerOnlyAndReplacedWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nested/gateway-admin-key");

        OwnerOnlyFile.write(file, "rp-first\n");
        OwnerOnlyFile.write(file, "rp-second\n");

        assertEquals("rp-second\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }
}
