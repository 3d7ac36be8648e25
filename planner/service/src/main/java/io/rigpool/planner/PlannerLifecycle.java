package io.rigpool.planner;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Ends the planner with the process that started it (the local stack), when asked to. */
@Singleton
class PlannerLifecycle {

    void started(@Observes StartupEvent event) {
        ParentProcessWatch.startIfRequested();
    }
}
