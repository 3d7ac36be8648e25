package io.rigpool.worker.runner;

/** A runner did not come up; the message is the runner's own reason (or what was seen instead). */
public final class RunnerStartException extends Exception {

    public RunnerStartException(String message) {
        super(message);
    }
}
