package io.rigpool.runner;

/** A generate request the runner cannot serve as asked; the message names the field. */
final class InvalidRequestException extends IllegalArgumentException {

    InvalidRequestException(String message) {
        super(message);
    }
}
