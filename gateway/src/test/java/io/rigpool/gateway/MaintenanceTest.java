package io.rigpool.gateway;

import static org.awaitility.Awaitility.await;

import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Housekeeping jobs run on the Quarkus scheduler, again and again, and one that fails runs again next time. */
@RigpoolQuarkusTest
class MaintenanceTest {

    @Inject
    Maintenance maintenance;

    @Test
    void aJobRunsEveryPeriodAndAFailingOneIsNotDropped() {
        AtomicInteger steady = new AtomicInteger();
        AtomicInteger failing = new AtomicInteger();
        maintenance.every(Duration.ofSeconds(1), "test steady job", steady::incrementAndGet);
        maintenance.every(Duration.ofSeconds(1), "test failing job", () -> {
            failing.incrementAndGet();
            throw new IllegalStateException("fails on purpose");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> steady.get() >= 3 && failing.get() >= 3);
    }
}
