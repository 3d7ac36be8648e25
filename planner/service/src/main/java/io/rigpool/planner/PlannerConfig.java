package io.rigpool.planner;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Settings of the planner service. */
@ConfigMapping(prefix = "rigpool")
public interface PlannerConfig {

    /** Shared secret every worker must present in its hello; a worker with another token is refused. */
    @WithName("cluster-token")
    String clusterToken();

    Planner planner();

    interface Planner {

        /** How often workers are asked to send a heartbeat. */
        @WithDefault("3s")
        Duration heartbeatInterval();

        /** A node that sent nothing for this long is lost, and what it ran is planned elsewhere. */
        @WithDefault("15s")
        Duration nodeLostAfter();

        /** llama.cpp context (--ctx-size) given to a runner, capped by the model's trained context. */
        @WithDefault("4096")
        int defaultContext();

        /** Parallel slots per runner. */
        @WithDefault("1")
        int defaultSlots();
    }
}
