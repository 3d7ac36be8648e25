package io.rigpool.gateway;

import io.quarkus.runtime.StartupEvent;
import io.rigpool.common.lifecycle.ParentProcessWatch;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/** When the local stack started this gateway as its child, the gateway ends with it. */
@ApplicationScoped
public class ExitWithParent {

    void watchParent(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        ParentProcessWatch.startIfRequested();
    }
}
