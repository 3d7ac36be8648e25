package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.PlannerMessage;

/** The planner's end of one worker's open stream. */
public interface NodeSession {

    void send(PlannerMessage message);

    /** Ends the stream from the planner's side (a newer stream of the same node replaced it). */
    void close();

    /** Ends the stream with a {@code Refusal} saying why (another session holds the node id). */
    void refuse(String reason);
}
