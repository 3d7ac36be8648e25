package io.rigpool.worker.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerControlsTest {

    @TempDir
    Path temp;

    @Test
    void eitherTheEndpointOrThePauseFilePausesAndEachChangeIsToldOnce() throws Exception {
        Path pauseFile = temp.resolve("pause");
        OwnerControls controls = new OwnerControls(0, Optional.of(pauseFile));
        AtomicInteger told = new AtomicInteger();
        controls.onChange(told::incrementAndGet);

        controls.pause();
        controls.pause();
        assertTrue(controls.state().paused());
        assertEquals("endpoint", controls.state().pausedBy());
        assertEquals(1, told.get(), "pausing twice is one change");

        Files.createFile(pauseFile);
        controls.checkPauseFile();
        controls.resume();
        assertTrue(controls.state().paused(), "the file still pauses");
        assertEquals("file " + pauseFile, controls.state().pausedBy());

        Files.delete(pauseFile);
        controls.checkPauseFile();
        assertFalse(controls.state().paused());
        assertEquals(4, told.get());
    }

    @Test
    void theReserveChangesAtOnceAndMustNotBeNegative() {
        OwnerControls controls = new OwnerControls(1L << 30, Optional.empty());
        AtomicInteger told = new AtomicInteger();
        controls.onChange(told::incrementAndGet);

        controls.reserve(4L << 30);

        assertEquals(4L << 30, controls.state().reserveBytes());
        assertEquals(1, told.get());
        assertThrows(IllegalArgumentException.class, () -> controls.reserve(-1));
    }

    @Test
    void aPauseFilePresentAtStartPausesFromTheStart() throws Exception {
        Path pauseFile = Files.createFile(temp.resolve("pause"));

        assertTrue(new OwnerControls(0, Optional.of(pauseFile)).state().paused());
    }
}
