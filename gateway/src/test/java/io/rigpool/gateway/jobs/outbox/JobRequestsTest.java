package io.rigpool.gateway.jobs.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gateway.jobs.ChatMessage;
import io.rigpool.gateway.jobs.GenerationOptions;
import io.rigpool.gateway.jobs.JobSpec;
import io.rigpool.gateway.jobs.ResponseFormat;
import io.rigpool.gateway.jobs.store.JobRow;
import io.rigpool.proto.v1.JobRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobRequestsTest {

    static final UUID ID = UUID.fromString("0f6f3c2b-9a11-4c61-9d38-7d0b2a4e3f7c");
    static final Instant CREATED = Instant.parse("2026-03-01T12:00:00.123456Z");

    @Test
    void aJobBecomesTheRequestAWorkerReads() {
        JobSpec spec = new JobSpec("tiny", List.of(new ChatMessage("system", "s"), new ChatMessage("user", "u")),
                64, 0.7, 0.95, 123L, List.of("</s>"));

        JobRequest request = JobRequests.of(JobRow.queued(ID, spec, CREATED));

        assertEquals(ID.toString(), request.getJobId());
        assertEquals("tiny", request.getModel());
        assertEquals(List.of("system", "user"), request.getMessagesList().stream()
                .map(io.rigpool.proto.v1.ChatMessage::getRole).toList());
        assertEquals("u", request.getMessages(1).getContent());
        assertEquals(64, request.getMaxTokens());
        assertEquals(0.7f, request.getTemperature());
        assertEquals(0.95f, request.getTopP());
        assertTrue(request.getHasSeed());
        assertEquals(123, request.getSeed());
        assertEquals(List.of("</s>"), request.getStopList());
        assertEquals(CREATED.toEpochMilli(), request.getSubmittedAtMs());
    }

    @Test
    void anUnseededJobSaysSo() {
        JobSpec spec = new JobSpec("tiny", List.of(new ChatMessage("user", "u")), 8, 1.0, 1.0, null, List.of());

        JobRequest request = JobRequests.of(JobRow.queued(ID, spec, CREATED));

        assertFalse(request.getHasSeed());
        assertEquals(0, request.getStopCount());
    }

    @Test
    void theOptionsTravelWithTheJobAndTheEnforcedSchemaIsTheOneSent() {
        ResponseFormat format = new ResponseFormat(ResponseFormat.JSON_SCHEMA_TYPE, "answer", true,
                "{\"title\":\"t\",\"type\":\"object\"}", "{\"type\":\"object\"}");
        JobSpec spec = new JobSpec("tiny", List.of(new ChatMessage("user", "u")), 8, 1.0, 1.0, null, List.of(), false,
                new GenerationOptions(0.5, -0.25, 1.1, Map.of(7, -100.0, 5, 2.5), format));

        JobRequest request = JobRequests.of(JobRow.queued(ID, spec, CREATED));

        assertEquals(0.5f, request.getOptions().getPresencePenalty());
        assertEquals(-0.25f, request.getOptions().getFrequencyPenalty());
        assertEquals(1.1f, request.getOptions().getRepeatPenalty());
        assertEquals(Map.of(5, 2.5f, 7, -100f), request.getOptions().getLogitBiasMap());
        assertEquals("{\"type\":\"object\"}", request.getOptions().getJsonSchema());
        assertEquals(spec, JobRow.queued(ID, spec, CREATED).spec(), "stored and read back unchanged");
    }

    @Test
    void jsonModeIsTheSchemaOfAnyObject() {
        JobSpec spec = new JobSpec("tiny", List.of(new ChatMessage("user", "u")), 8, 1.0, 1.0, null, List.of(), false,
                new GenerationOptions(0, 0, null, Map.of(), ResponseFormat.JSON_OBJECT));

        assertEquals("{\"type\":\"object\"}", JobRequests.of(ID, spec, CREATED).getOptions().getJsonSchema());
    }
}
