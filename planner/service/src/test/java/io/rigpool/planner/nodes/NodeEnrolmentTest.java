package io.rigpool.planner.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.WorkerHello;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeEnrolmentTest {

    private static WorkerHello hello(String node, String credential) {
        return WorkerHello.newBuilder().setNodeId(node).setNodeCredential(credential).build();
    }

    @Test
    void aNewNodeIdIsEnrolledOnceAndThenAnswersOnlyToItsCredential() {
        NodeEnrolment enrolment = new NodeEnrolment();
        assertTrue(enrolment.refusal(hello("pc-1", "")).isEmpty(), "a node id nobody has: the cluster token suffices");
        String credential = enrolment.enrolIfNew("pc-1").orElseThrow().credential();
        assertTrue(enrolment.enrolIfNew("pc-1").isEmpty(), "enrolled once");

        assertTrue(enrolment.refusal(hello("pc-1", credential)).isEmpty());
        assertTrue(enrolment.refusal(hello("pc-1", "")).orElseThrow().contains("belongs to another PC"));
        assertTrue(enrolment.refusal(hello("pc-1", credential + "x")).isPresent());
        assertTrue(enrolment.refusal(hello("pc-2", credential)).isEmpty(), "another id is not bound by it");
    }

    @Test
    void onlyTheDigestIsKeptAndALoadedOneBindsAsWell() {
        NodeEnrolment first = new NodeEnrolment();
        NodeEnrolment.Enrolled enrolled = first.enrolIfNew("pc-1").orElseThrow();
        assertFalse(new String(enrolled.digest(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(enrolled.credential()));

        NodeEnrolment restarted = new NodeEnrolment();
        restarted.load(Map.of("pc-1", enrolled.digest()));
        assertTrue(restarted.refusal(hello("pc-1", enrolled.credential())).isEmpty());
        assertTrue(restarted.refusal(hello("pc-1", "guess")).isPresent());
    }

    @Test
    void aRevokedIdEnrolsAgainWithANewCredential() {
        NodeEnrolment enrolment = new NodeEnrolment();
        String old = enrolment.enrolIfNew("pc-1").orElseThrow().credential();
        assertTrue(enrolment.revoke("pc-1"));
        assertFalse(enrolment.revoke("pc-1"));
        assertTrue(enrolment.refusal(hello("pc-1", "")).isEmpty());
        String renewed = enrolment.enrolIfNew("pc-1").orElseThrow().credential();
        assertFalse(old.equals(renewed));
        assertEquals(true, enrolment.refusal(hello("pc-1", old)).isPresent(), "the revoked credential is dead");
    }
}
