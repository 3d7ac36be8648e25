package io.rigpool.runner;

/** The model could not be loaded; the message is the real reason, fit to show to a person. */
public final class ModelLoadException extends Exception {

    public ModelLoadException(String message) {
        super(message);
    }
}
