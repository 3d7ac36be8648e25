package io.rigpool.worker.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCredentialTest {

    @TempDir
    Path dir;

    @Test
    void aCredentialTheWorkerWasGivenIsThereAfterARestartInAnOwnerOnlyFile() throws Exception {
        Path file = dir.resolve("state/node-credential");
        NodeCredential first = new NodeCredential(Optional.of(file));
        assertEquals("", first.value(), "a node id never enrolled sends none");
        first.keep("abc-credential");
        assertEquals("abc-credential", first.value());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "written whole, then renamed: no temporary file left");
        }

        NodeCredential restarted = new NodeCredential(Optional.of(file));
        assertEquals("abc-credential", restarted.value());
        restarted.keep("");
        assertEquals("abc-credential", restarted.value(), "a Welcome without a credential changes nothing");
    }

    @Test
    void withoutAFileTheCredentialLivesAsLongAsTheProcess() {
        NodeCredential memory = new NodeCredential(Optional.empty());
        memory.keep("in-memory");
        assertEquals("in-memory", memory.value());
        assertTrue(dir.toFile().list().length == 0);
    }

    @Test
    void aFileTooLargeToBeACredentialIsRefusedWithItsSize() throws Exception {
        Path file = Files.writeString(dir.resolve("node-credential"), "x".repeat(4096));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new NodeCredential(Optional.of(file)));
        assertTrue(e.getMessage().contains("4096 bytes"), e.getMessage());
    }
}
