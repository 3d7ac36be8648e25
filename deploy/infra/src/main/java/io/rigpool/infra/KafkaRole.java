package io.rigpool.infra;

/**
 * The roles that talk to Kafka, each with its own principal (SASL/SCRAM user) and only the rights it needs
 * ({@link KafkaAccessPolicy}). An operator may give each gaming PC a principal of its own with the worker role.
 */
public enum KafkaRole {
    GATEWAY("rigpool-gateway"),
    PLANNER("rigpool-planner"),
    WORKER("rigpool-worker");

    private final String defaultUser;

    KafkaRole(String defaultUser) {
        this.defaultUser = defaultUser;
    }

    /** The SCRAM user name a stack gives this role when it makes one principal per role. */
    public String defaultUser() {
        return defaultUser;
    }
}
