package io.rigpool.worker.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCeilingAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));

        assertEquals(Duration.ofMillis(500), backoff.next());
        assertEquals(Duration.ofSeconds(1), backoff.next());
        assertEquals(Duration.ofSeconds(2), backoff.next());
        assertEquals(Duration.ofSeconds(3), backoff.next());
        assertEquals(Duration.ofSeconds(3), backoff.next());
        backoff.reset();
        assertEquals(Duration.ofMillis(500), backoff.next());
    }
}
