package io.rigpool.planner.admin;

import java.time.Duration;

/** The address sent too many wrong admin keys: its key is not even compared until {@link #wait} is over. */
final class TooManyWrongKeys extends RuntimeException {

    final Duration wait;

    TooManyWrongKeys(Duration wait) {
        super("too many wrong admin keys from this address; try again later", null, false, false);
        this.wait = wait;
    }
}
