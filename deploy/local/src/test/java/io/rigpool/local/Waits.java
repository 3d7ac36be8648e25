package io.rigpool.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting on a condition with a deadline (Awaitility), saying on timeout what the services logged meanwhile. */
final class Waits {

    private static final Duration POLL = Duration.ofMillis(100);

    private Waits() {
    }

    static void until(String what, Duration atMost, BooleanSupplier condition, Supplier<String> context) {
        try {
            Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + atMost + ": " + what + "\n" + context.get(), e);
        }
    }
}
