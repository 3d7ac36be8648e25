package io.rigpool.common.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ends this process when the process that started it is gone. rigpool starts child JVMs (the local stack starts
 * the services, a worker starts one runner per model); a child must not outlive its parent even when the parent
 * was killed with SIGKILL and had no chance to clean up. The parent keeps the child's standard input open; when
 * the parent dies the pipe closes and the read here returns end-of-file.
 */
public final class ParentProcessWatch {

    /**
     * Set to true on a child's command line to make it exit when its standard input closes. Deliberately outside
     * the {@code rigpool.} configuration namespace, which the services validate strictly.
     */
    public static final String PROPERTY = "io.rigpool.exit-with-parent";

    private static final List<Runnable> LAST_ACTIONS = new CopyOnWriteArrayList<>();

    private ParentProcessWatch() {
    }

    /** The JVM option a parent puts on a child's command line. */
    public static String jvmFlag() {
        return "-D" + PROPERTY + "=true";
    }

    public static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Starts the watch if it was requested; returns whether it did. */
    public static boolean startIfRequested() {
        if (!requested()) {
            return false;
        }
        start(System.in);
        return true;
    }

    /**
     * Something to do just before this process halts because its parent is gone; it must not block. The halt skips
     * shutdown hooks, so a child this process started itself (a runner's llama-server) would outlive it otherwise.
     */
    public static void beforeHalt(Runnable action) {
        LAST_ACTIONS.add(action);
    }

    public static void start(InputStream parentPipe) {
        Thread watcher = new Thread(() -> {
            byte[] sink = new byte[256];
            try {
                while (parentPipe.read(sink) >= 0) {
                    // The parent writes nothing; anything read is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end-of-file.
            }
            for (Runnable action : LAST_ACTIONS) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    // Halting matters more than any one last action.
                }
            }
            // halt, not exit: native threads (llama.cpp) and blocked shutdown hooks must not keep an orphan alive.
            Runtime.getRuntime().halt(3);
        }, "parent-process-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
