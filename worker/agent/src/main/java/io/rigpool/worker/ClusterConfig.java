package io.rigpool.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** Settings every rigpool process of one cluster shares. */
@ConfigMapping(prefix = "rigpool")
public interface ClusterConfig {

    /** Shared secret the planner checks in the worker's hello. */
    @WithName("cluster-token")
    String clusterToken();
}
