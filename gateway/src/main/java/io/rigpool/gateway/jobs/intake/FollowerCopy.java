package io.rigpool.gateway.jobs.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the event follower hands the results' group member: its copy of {@code rigpool.results}. */
public interface FollowerCopy {

    /** A record, every one in the order read; never waits (a record dropped is fetched by the member instead). */
    void offer(ConsumerRecord<String, byte[]> record);

    /** The follower's position jumped (it started at the end, or over): records may be missing from here on. */
    void lostPlace();
}
