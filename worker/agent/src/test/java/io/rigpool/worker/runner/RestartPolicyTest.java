package io.rigpool.worker.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    private final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 4,
            Duration.ofMinutes(10));

    @Test
    void waitsDoubleUpToTheLongestAndStopAfterTooManyCrashesInARow() {
        assertEquals(Optional.of(Duration.ofSeconds(1)), policy.waitAfter(1));
        assertEquals(Optional.of(Duration.ofSeconds(2)), policy.waitAfter(2));
        assertEquals(Optional.of(Duration.ofSeconds(4)), policy.waitAfter(3));
        assertEquals(Optional.of(Duration.ofSeconds(5)), policy.waitAfter(4));
        assertEquals(Optional.empty(), policy.waitAfter(5));
    }

    @Test
    void aRunnerThatServedForAWhileStartsTheCountAfresh() {
        assertEquals(3, policy.crashesInARow(2, Duration.ofSeconds(30)));
        assertEquals(1, policy.crashesInARow(4, Duration.ofMinutes(10)));
    }
}
