package io.rigpool.infra;

import io.rigpool.common.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Least privilege on the broker, written once: what each role may do to which topic and group. Everything not
 * granted here is refused (the broker runs with {@code allow.everyone.if.no.acl.found=false}). In words:
 * <ul>
 * <li>a <b>worker</b> reads job topics (in its model's share group, whose start it sets: ALTER_CONFIGS) and
 * {@code rigpool.control}, and writes only
 * {@code rigpool.results} and {@code rigpool.tokens}: it cannot enqueue jobs, cancel others' jobs, rewrite the
 * catalogue or read other jobs' results;</li>
 * <li>the <b>gateway</b> writes job topics and {@code rigpool.control}, reads results, tokens and the catalogue, and
 * commits offsets only in its own group;</li>
 * <li>the <b>planner</b> owns the catalogue and reads only the offsets of job topics and worker share groups
 * (demand).</li>
 * </ul>
 * Each role may create the topics it is the first to use, as the services do at start.
 */
public final class KafkaAccessPolicy {

    public static final String GATEWAY_GROUP = "rigpool-gateway";
    public static final String WORKER_GROUP_PREFIX = "rigpool.workers.";

    private KafkaAccessPolicy() {
    }

    /** The ACLs that give {@code user} the rights of {@code role}. */
    public static List<AclBinding> bindings(KafkaRole role, String user) {
        Grants g = new Grants("User:" + user);
        switch (role) {
            case WORKER -> {
                g.topicPrefix(Topics.JOBS_PREFIX, AclOperation.READ, AclOperation.DESCRIBE);
                g.groupPrefix(WORKER_GROUP_PREFIX, AclOperation.READ, AclOperation.DESCRIBE,
                        AclOperation.ALTER_CONFIGS, AclOperation.DESCRIBE_CONFIGS);
                g.topic(Topics.CONTROL, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.topic(Topics.RESULTS, AclOperation.WRITE, AclOperation.DESCRIBE);
                g.topic(Topics.TOKENS, AclOperation.WRITE, AclOperation.DESCRIBE);
            }
            case GATEWAY -> {
                g.topicPrefix(Topics.JOBS_PREFIX, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.topic(Topics.CONTROL, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.topic(Topics.RESULTS, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.topic(Topics.TOKENS, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.topic(Topics.MODELS, AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE);
                g.group(GATEWAY_GROUP, AclOperation.READ, AclOperation.DESCRIBE);
                g.cluster(AclOperation.DESCRIBE);
            }
            case PLANNER -> {
                g.topic(Topics.MODELS, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
                        AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS);
                g.topicPrefix(Topics.JOBS_PREFIX, AclOperation.DESCRIBE);
                g.groupPrefix(WORKER_GROUP_PREFIX, AclOperation.DESCRIBE);
                g.cluster(AclOperation.DESCRIBE);
            }
        }
        return g.bindings;
    }

    private static final class Grants {
        final String principal;
        final List<AclBinding> bindings = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        void topic(String name, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        void topicPrefix(String prefix, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), operations);
        }

        void group(String name, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL), operations);
        }

        void groupPrefix(String prefix, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED), operations);
        }

        void cluster(AclOperation... operations) {
            add(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), operations);
        }

        private void add(ResourcePattern pattern, AclOperation... operations) {
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(pattern,
                        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
    }
}
