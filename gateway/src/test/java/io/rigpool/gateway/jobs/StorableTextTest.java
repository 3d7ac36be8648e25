package io.rigpool.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void everyNulBecomesTheReplacementCharacterAndOtherTextIsUntouched() {
        assertEquals("a\uFFFDb\uFFFD", StorableText.of("a\u0000b\u0000"));
        String clean = "Blue. ünïcödé 🙂";
        assertSame(clean, StorableText.of(clean));
        assertNull(StorableText.of(null));
    }

    @Test
    void aTimeBeforeTheEpochOrADayAheadIsTheTimeOfReceipt() {
        Instant received = Instant.parse("2026-12-06T10:00:00Z");
        assertEquals(received, JobProgress.plausibleTime(0, received));
        assertEquals(received, JobProgress.plausibleTime(-5, received));
        assertEquals(received, JobProgress.plausibleTime(Long.MAX_VALUE, received));
        assertEquals(received, JobProgress.plausibleTime(received.plusSeconds(86_401).toEpochMilli(), received));
        Instant skewed = received.plusSeconds(3_600);
        assertEquals(skewed, JobProgress.plausibleTime(skewed.toEpochMilli(), received));
        Instant earlier = received.minusSeconds(30);
        assertEquals(earlier, JobProgress.plausibleTime(earlier.toEpochMilli(), received));
    }
}
