package io.rigpool.planner.admin;

import io.rigpool.planner.PlannerConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Builds the one {@link AdminAccess} (and so the one session store) of the service from its configuration. */
@Singleton
public class AdminAccessProducer {

    /** More logins than this at once means something is wrong; the oldest then go first. */
    private static final int MAX_SESSIONS = 1_000;
    /** Client addresses whose wrong keys are remembered at once. */
    private static final int MAX_THROTTLED_ADDRESSES = 10_000;

    @Produces
    @Singleton
    AdminAccess adminAccess(PlannerConfig config) {
        return new AdminAccess(config.planner().adminKey(), config.planner().protectReads(),
                new AdminSessions(Clock.systemUTC(), config.planner().adminSessionLifetime(), MAX_SESSIONS),
                // By default 5 free tries, then 1 s, 2 s, 4 s ... up to 15 min between tries.
                new LoginThrottle(Clock.systemUTC(), config.planner().adminLogin().freeAttempts(),
                        config.planner().adminLogin().firstLockout(), config.planner().adminLogin().maxLockout(),
                        Duration.ofHours(1), MAX_THROTTLED_ADDRESSES));
    }
}
