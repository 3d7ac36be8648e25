package io.rigpool.worker.jobs;

/**
 * A job's RUNNING update, sent once: when the job has run for a while, or just before its terminal update, whichever
 * comes first; never for a job handed back.
 *
 * <p>Why not at the start: a short job would then have its RUNNING handled by the broker and the gateway (a
 * database write) while llama.cpp generates, on the same cores; llama.cpp's threads wait for each other at every
 * layer, so any other work slows the whole generation. Sent just before the terminal update, on the same producer
 * and partition, RUNNING still comes first, so the gateway sees the node that ran the job before its end, as the
 * result store requires of a job another node had started.
 */
final class RunningReport {

    private final Runnable publish;
    private boolean done;

    RunningReport(Runnable publish) {
        this.publish = publish;
    }

    /** Sends it unless it was sent or dropped already. */
    synchronized void send() {
        if (!done) {
            done = true;
            publish.run();
        }
    }

    /** The job was handed back: no RUNNING from here. */
    synchronized void drop() {
        done = true;
    }
}
