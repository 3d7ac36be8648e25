package io.rigpool.planner.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.placement.BudgetHysteresis;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.WorkerHello;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {

    private static final BudgetHysteresis.Settings SETTINGS = new BudgetHysteresis.Settings(0, Duration.ZERO);
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final NodeRegistry registry = new NodeRegistry();

    private NodeRegistry.Admitted admit(String nodeId, String secret, Stream session) {
        WorkerHello hello = WorkerHello.newBuilder().setNodeId(nodeId).setNodeSecret(secret).build();
        assertTrue(registry.refusal(hello, session).isEmpty());
        NodeRegistry.Admitted admitted = registry.admit(hello, session, id -> new Node(id, SETTINGS, SETTINGS));
        admitted.node().lastSeen = NOW;
        return admitted;
    }

    @Test
    void aLiveSessionKeepsItsNodeIdFromAnyoneWithoutItsSecret() {
        Stream first = new Stream();
        String secret = admit("pc-1", "", first).secret();

        Stream intruder = new Stream();
        var refusal = registry.refusal(WorkerHello.newBuilder().setNodeId("pc-1").build(), intruder);
        assertTrue(refusal.orElseThrow().contains("held by a live session"), refusal.get());
        assertTrue(registry.refusal(WorkerHello.newBuilder().setNodeId("pc-1").setNodeSecret("guess").build(),
                intruder).isPresent());
        assertEquals(first, registry.get("pc-1").session);
        assertTrue(!first.closed);

        // The worker itself reconnects before its old stream is noticed gone: its secret takes the id over.
        Stream reconnect = new Stream();
        String next = admit("pc-1", secret, reconnect).secret();
        assertTrue(first.closed, "the replaced stream is closed");
        assertNotEquals(secret, next, "every session gets a fresh secret");
        assertTrue(registry.refusal(WorkerHello.newBuilder().setNodeId("pc-1").setNodeSecret(secret).build(),
                new Stream()).isPresent(), "an old session's secret opens nothing");
    }

    @Test
    void onceTheStreamEndedAnyoneWithTheClusterTokenMaySayHelloAsTheNode() {
        admit("pc-2", "", new Stream());
        registry.get("pc-2").session = null;
        assertTrue(registry.refusal(WorkerHello.newBuilder().setNodeId("pc-2").build(), new Stream()).isEmpty());
    }

    @Test
    void nodesGoneLongerThanTheSettingAreForgotten() {
        admit("gone", "", new Stream());
        admit("live", "", new Stream());
        admit("recent", "", new Stream());
        registry.get("gone").session = null;
        registry.get("gone").lastSeen = NOW.minus(Duration.ofHours(25));
        registry.get("recent").session = null;
        registry.get("recent").lastSeen = NOW.minus(Duration.ofHours(23));
        registry.get("live").lastSeen = NOW.minus(Duration.ofHours(30));

        assertEquals(List.of("gone"), registry.forget(NOW, Duration.ofHours(24)));
        assertNull(registry.get("gone"));
        assertEquals(2, registry.all().size(), "a node with a stream is never forgotten, a recent one not yet");
    }

    @Test
    void silentNodesAreLostAndTheirStreamsClosed() {
        Stream stream = new Stream();
        admit("quiet", "", stream);
        List<Node> lost = registry.markLost(NOW.plusSeconds(16), Duration.ofSeconds(15));
        assertEquals(1, lost.size());
        assertEquals(NodeState.LOST, registry.get("quiet").state);
        assertTrue(stream.closed);
    }

    private static final class Stream implements NodeSession {

        boolean closed;

        @Override
        public void send(PlannerMessage message) {
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void refuse(String reason) {
            closed = true;
        }
    }
}
