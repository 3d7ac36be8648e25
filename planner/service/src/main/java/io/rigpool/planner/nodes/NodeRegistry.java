package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.WorkerHello;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The nodes the planner knows, by id, and who holds each: which stream may speak for a node id
 * ({@link NodeSecrets}), when a silent node is lost, when a gone node is forgotten. Touched by the fleet loop only.
 */
final class NodeRegistry {

    /** A hello the registry accepted: its node, and the secret to send in the Welcome. */
    record Admitted(Node node, String secret) {
    }

    private final Map<String, Node> nodes = new TreeMap<>();

    Collection<Node> all() {
        return nodes.values();
    }

    Node get(String nodeId) {
        return nodes.get(nodeId);
    }

    /**
     * Why this hello may not have its node id, or empty when it may: while another stream holds the id, only a hello
     * with that session's secret may take it over (a reconnect the planner has not noticed yet); anyone else waits
     * until the stream ended, so no holder of the cluster token can take over another node's live session.
     */
    Optional<String> refusal(WorkerHello hello, NodeSession session) {
        Node known = nodes.get(hello.getNodeId());
        if (known != null && known.session != null && known.session != session
                && !NodeSecrets.matches(known.secretDigest, hello.getNodeSecret())) {
            return Optional.of("node id " + hello.getNodeId() + " is held by a live session; a new one needs that"
                    + " session's node_secret, or must wait until it ends");
        }
        return Optional.empty();
    }

    /** Gives the node id to this session (closing a stream it replaces), with a new secret. */
    Admitted admit(WorkerHello hello, NodeSession session, Function<String, Node> newNode) {
        Node node = nodes.computeIfAbsent(hello.getNodeId(), newNode);
        if (node.session != null && node.session != session) {
            node.session.close();
        }
        String secret = NodeSecrets.issue();
        node.secretDigest = NodeSecrets.digest(secret);
        node.session = session;
        return new Admitted(node, secret);
    }

    /** Marks nodes silent longer than {@code lostAfter} lost: their streams closed, their runners unplanned. */
    List<Node> markLost(Instant now, Duration lostAfter) {
        List<Node> lost = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.live() && node.lastSeen.plus(lostAfter).isBefore(now)) {
                node.state = NodeState.LOST;
                node.assignments = List.of();
                node.target = List.of();
                if (node.session != null) {
                    node.session.close();
                    node.session = null;
                }
                lost.add(node);
            }
        }
        return lost;
    }

    /** Drops nodes without a stream whose last word is older than {@code forgetAfter}; returns their ids. */
    List<String> forget(Instant now, Duration forgetAfter) {
        Instant before = now.minus(forgetAfter);
        List<String> forgotten = new ArrayList<>();
        nodes.values().removeIf(node -> {
            boolean gone = node.session == null && node.lastSeen.isBefore(before);
            if (gone) {
                forgotten.add(node.nodeId);
            }
            return gone;
        });
        return forgotten;
    }
}
