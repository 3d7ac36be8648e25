package io.rigpool.common.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void takesTheTraceIdOfAValidTraceparent() {
        assertEquals(Optional.of(TRACE), TraceIds.fromTraceparent("00-" + TRACE + "-00f067aa0ba902b7-01"));
        assertEquals(Optional.of(TRACE), TraceIds.fromTraceparent(" 00-" + TRACE + "-00f067aa0ba902b7-00 "));
        // A later version may append fields; its first four parts read the same.
        assertEquals(Optional.of(TRACE), TraceIds.fromTraceparent("01-" + TRACE + "-00f067aa0ba902b7-01-extra"));
    }

    @Test
    void refusesMalformedTraceparents() {
        for (String bad : new String[] {null, "", "garbage", "00-" + TRACE + "-00f067aa0ba902b7",
                "00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-01", "ff-" + TRACE + "-00f067aa0ba902b7-01",
                "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", "00-" + TRACE + "-0000000000000000-01",
                "00-" + TRACE + "-00f067aa0ba902b7-01-extra", "00-" + TRACE.substring(1) + "-00f067aa0ba902b7-01"}) {
            assertEquals(Optional.empty(), TraceIds.fromTraceparent(bad), String.valueOf(bad));
        }
    }

    @Test
    void takesSafeRequestIdsOnly() {
        assertEquals(Optional.of("req-42.a_b:c"), TraceIds.fromRequestId(" req-42.a_b:c "));
        assertEquals(Optional.of("x".repeat(64)), TraceIds.fromRequestId("x".repeat(64)));
        for (String bad : new String[] {null, "", "   ", "x".repeat(65), "a b", "line\nbreak", "semi;colon",
                "quote\"", "ünïcode"}) {
            assertEquals(Optional.empty(), TraceIds.fromRequestId(bad), String.valueOf(bad));
        }
    }

    @Test
    void traceparentWinsOverRequestIdAndBadOnesAreIgnored() {
        assertEquals(Optional.of(TRACE), TraceIds.fromRequest("00-" + TRACE + "-00f067aa0ba902b7-01", "req-1"));
        assertEquals(Optional.of("req-1"), TraceIds.fromRequest("bad", "req-1"));
        assertEquals(Optional.empty(), TraceIds.fromRequest("bad", "bad id"));
    }

    @Test
    void aJobWithoutOneGetsItsIdAsHexAndGeneratedIdsLookLikeW3cTraceIds() {
        UUID job = UUID.fromString("6F1C2A3B-4D5E-4F60-8172-839405A6B7C8");
        assertEquals("6f1c2a3b4d5e4f608172839405a6b7c8", TraceIds.ofJob(job));
        String generated = TraceIds.generate();
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
        assertEquals(Optional.of(generated), TraceIds.fromTraceparent("00-" + generated + "-00f067aa0ba902b7-01"));
    }

    @Test
    void kafkaHeaderRoundTripsAndIsCheckedOnTheWayIn() {
        assertEquals(Optional.of(TRACE), TraceIds.fromHeader(TraceIds.toHeader(TRACE)));
        assertEquals(Optional.empty(), TraceIds.fromHeader(null));
        assertEquals(Optional.empty(), TraceIds.fromHeader("evil\r\nline".getBytes()));
    }
}
