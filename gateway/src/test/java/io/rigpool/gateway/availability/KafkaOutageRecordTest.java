package io.rigpool.gateway.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Kafka probe's outcomes make the last outage: its first failure to its return. */
class KafkaOutageRecordTest {

    @Test
    void anOutageIsRecordedFromItsFirstFailureToItsReturn() {
        Availability availability = new Availability();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        availability.observeKafka(true, t);
        assertTrue(availability.lastKafkaOutage().isEmpty());

        availability.observeKafka(false, t.plusSeconds(1));
        availability.observeKafka(false, t.plusSeconds(2));
        assertTrue(availability.lastKafkaOutage().isEmpty(), "not over yet");
        availability.observeKafka(true, t.plusSeconds(9));
        availability.observeKafka(true, t.plusSeconds(10));

        assertEquals(Optional.of(new Availability.Outage(t.plusSeconds(1), t.plusSeconds(9))),
                availability.lastKafkaOutage());

        availability.observeKafka(false, t.plusSeconds(100));
        availability.observeKafka(false, t.plusSeconds(101));
        availability.observeKafka(true, t.plusSeconds(130));
        assertEquals(Optional.of(new Availability.Outage(t.plusSeconds(100), t.plusSeconds(130))),
                availability.lastKafkaOutage(), "the last one");
    }

    @Test
    void oneFailedCheckIsNoOutage() {
        Availability availability = new Availability();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        availability.observeKafka(true, t);
        availability.observeKafka(false, t.plusSeconds(1));
        availability.observeKafka(true, t.plusSeconds(2));
        assertTrue(availability.lastKafkaOutage().isEmpty());
    }

    /** The gateway started while the broker was not answering yet (or its first check timed out). */
    @Test
    void kafkaDownBeforeItWasEverUpIsNoOutage() {
        Availability availability = new Availability();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        availability.observeKafka(false, t);
        availability.observeKafka(false, t.plusSeconds(1));
        availability.observeKafka(true, t.plusSeconds(2));
        assertTrue(availability.lastKafkaOutage().isEmpty());
    }
}
