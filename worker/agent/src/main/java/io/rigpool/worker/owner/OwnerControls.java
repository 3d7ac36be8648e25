package io.rigpool.worker.owner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the PC's owner decides, whatever the planner says: a VRAM reserve kept free for themselves, and a switch
 * that pauses serving. Pausing comes from two places, either of which is enough: the local HTTP endpoint, and a
 * pause file (present = paused), checked every second so that a desktop shortcut or a game launcher script can
 * {@code touch} it. Every change is passed on at once.
 */
public final class OwnerControls {

    private static final Logger LOG = Logger.getLogger(OwnerControls.class);

    /** The owner's settings at one moment. */
    public record State(boolean paused, long reserveBytes, String pausedBy) {
    }

    private final Optional<Path> pauseFile;
    private Runnable listener = () -> { };
    private boolean pausedByEndpoint;
    private boolean pausedByFile;
    private long reserveBytes;

    public OwnerControls(long reserveBytes, Optional<Path> pauseFile) {
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("the owner reserve must not be negative, was " + reserveBytes);
        }
        this.reserveBytes = reserveBytes;
        this.pauseFile = pauseFile;
        this.pausedByFile = pauseFile.map(Files::exists).orElse(false);
    }

    /** Told about every change, on the thread that made it; it reads {@link #state()}, which is always current. */
    public synchronized void onChange(Runnable listener) {
        this.listener = listener;
    }

    public synchronized State state() {
        String by = pausedByEndpoint && pausedByFile ? "endpoint and file"
                : pausedByEndpoint ? "endpoint" : pausedByFile ? "file " + pauseFile.orElseThrow() : "";
        return new State(pausedByEndpoint || pausedByFile, reserveBytes, by);
    }

    public void pause() {
        change(() -> pausedByEndpoint = true);
    }

    /** Ends the pause the endpoint set; a pause file that is still there keeps the worker paused. */
    public void resume() {
        change(() -> pausedByEndpoint = false);
    }

    public void reserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("reserve: must not be negative, was " + bytes);
        }
        change(() -> reserveBytes = bytes);
    }

    /** Looks at the pause file; called every second. */
    public void checkPauseFile() {
        if (pauseFile.isPresent()) {
            boolean present = Files.exists(pauseFile.get());
            change(() -> pausedByFile = present);
        }
    }

    private void change(Runnable update) {
        State before;
        State after;
        Runnable notify;
        synchronized (this) {
            before = state();
            update.run();
            after = state();
            notify = listener;
        }
        if (!before.equals(after)) {
            LOG.infof("owner controls: %s", describe(after));
            notify.run();
        }
    }

    private static String describe(State s) {
        return (s.paused() ? "paused (by " + s.pausedBy() + ")" : "serving") + ", VRAM reserve "
                + s.reserveBytes() / (1024 * 1024) + " MiB";
    }
}
