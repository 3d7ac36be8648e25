package io.rigpool.planner.admin;

import io.rigpool.planner.PlannerConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Builds the one {@link AdminAccess} (and so the one session store) of the service from its configuration. */
@Singleton
public class AdminAccessProducer {

    /** More logins than this at once means something is wrong; the oldest then go first. */
    private static final int MAX_SESSIONS = 1_000;

    @Produces
    @Singleton
    AdminAccess adminAccess(PlannerConfig config) {
        return new AdminAccess(config.planner().adminKey(), config.planner().protectReads(),
                new AdminSessions(Clock.systemUTC(), config.planner().adminSessionLifetime(), MAX_SESSIONS));
    }
}
