package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.WorkerHello;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Binds each node id to a credential of its own, trust on first use: the cluster token lets a worker enrol a node id
 * nobody has yet, and the planner then gives it a credential that every later hello for that id must carry. So a
 * holder of the cluster token (any worker) cannot take over another PC's node id, live or offline; a PC that lost its
 * credential file is let in again only after an admin {@linkplain #revoke revokes} the old one. Only digests are
 * kept. Touched by the fleet loop only.
 */
final class NodeEnrolment {

    /** A hello that enrolled its node id: the credential to send once, in the Welcome. */
    record Enrolled(String credential, byte[] digest) {
    }

    private final Map<String, byte[]> digests = new HashMap<>();

    /** The stored digests, at start. */
    void load(Map<String, byte[]> stored) {
        digests.clear();
        digests.putAll(stored);
    }

    /** Why this hello may not speak for its node id, or empty when it may (an unknown id, or the right credential). */
    Optional<String> refusal(WorkerHello hello) {
        byte[] kept = digests.get(hello.getNodeId());
        if (kept == null || NodeSecrets.matches(kept, hello.getNodeCredential())) {
            return Optional.empty();
        }
        return Optional.of("node id " + hello.getNodeId() + " belongs to another PC: its hello must carry the node"
                + " credential the planner gave it (the worker's credential file); an admin can revoke that one"
                + " (DELETE /api/nodes/" + hello.getNodeId() + "/credential) if this PC is the node, reinstalled");
    }

    /** A new credential for a node id that has none; empty when it has one (nothing to send). */
    Optional<Enrolled> enrolIfNew(String nodeId) {
        if (digests.containsKey(nodeId)) {
            return Optional.empty();
        }
        String credential = NodeSecrets.issue();
        byte[] digest = NodeSecrets.digest(credential);
        digests.put(nodeId, digest);
        return Optional.of(new Enrolled(credential, digest));
    }

    /** Forgets a node id's credential, so that its next hello enrols it again; whether it had one. */
    boolean revoke(String nodeId) {
        return digests.remove(nodeId) != null;
    }

    boolean enrolled(String nodeId) {
        return digests.containsKey(nodeId);
    }
}
