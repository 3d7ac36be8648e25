package io.rigpool.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings every rigpool process of one cluster shares. */
@ConfigMapping(prefix = "rigpool")
public interface ClusterConfig {

    /** Shared secret the planner checks in the worker's hello. */
    @WithName("cluster-token")
    String clusterToken();

    /**
     * Lets the worker start with a default or short cluster token: only for the local stack, tests and dev mode
     * ({@code io.rigpool.common.secrets.SecretPolicy}).
     */
    @WithName("allow-weak-secrets")
    @WithDefault("false")
    boolean allowWeakSecrets();
}
