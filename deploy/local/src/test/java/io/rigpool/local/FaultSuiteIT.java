package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.local.reliability.BurstRun;
import io.rigpool.local.reliability.Fault;
import io.rigpool.local.reliability.FaultRun;
import io.rigpool.local.reliability.ReliabilityDrill;
import io.rigpool.local.reliability.ReliabilityDrill.Load;
import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault suite, CI form: planner, gateway and two workers as separate processes on real PostgreSQL and Kafka,
 * jobs in flight while a runner and then a whole worker are SIGKILLed, and while Kafka, PostgreSQL, the planner and
 * the gateway are restarted one after the other. Every accepted job must end succeeded and be stored once (one row
 * per job and per idempotency key, however often a client sent it again), counted in PostgreSQL; jobs that Kafka's
 * at-least-once delivery ran twice are counted on the results topic and printed. While Kafka or PostgreSQL is down
 * submissions get 503 with Retry-After, and everything recovers with nobody's help. {@code bench/run reliability}
 * runs the longer form.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    /** Enough tokens that 200 jobs are still in flight when the fault strikes. */
    private static final Load KILL_LOAD = new Load(200, 48, 8, Duration.ZERO);
    /** Paced, so that submissions go on before, during and after the restart. */
    private static final Load RESTART_LOAD = new Load(100, 24, 4, Duration.ofMillis(250));

    /**
     * Its own stack, stopped after the class (it restarts brokers, database and services); the services' logs are
     * kept in target/failsafe-reports/fault-suite-logs for whoever reads a failure.
     */
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.of(StackConfig.demo("fault-suite", 2)
            .withWorkerSettings(ReliabilityDrill.FAST_TAKEOVER).exclusively());

    private static ReliabilityDrill drill;

    @BeforeAll
    static void useStack() {
        drill = new ReliabilityDrill(STACK.stack(), STACK.model(), Duration.ofMinutes(3), line -> System.out.println(
                "[faults " + LocalTime.now() + "] " + line));
    }

    @Test
    @Order(1)
    void aRunnerKilledWithJobsInFlightLosesNone() {
        assertAllDoneOnce(drill.run(Fault.killRunner(), KILL_LOAD));
    }

    @Test
    @Order(2)
    void aWorkerKilledWithJobsInFlightLosesNone() {
        assertAllDoneOnce(drill.run(Fault.killWorker(), KILL_LOAD));
    }

    @Test
    @Order(3)
    void kafkaRestartedDuringLoadLosesNoneAndRefusesWith503Meanwhile() {
        FaultRun run = drill.run(Fault.restartKafka(), RESTART_LOAD);
        assertAllDoneOnce(run);
        assertTrue(run.refused503() > 0, "submissions were refused while Kafka was down: " + run);
    }

    @Test
    @Order(4)
    void postgresRestartedDuringLoadLosesNoneAndRefusesWith503Meanwhile() {
        FaultRun run = drill.run(Fault.restartPostgres(), RESTART_LOAD);
        assertAllDoneOnce(run);
        assertTrue(run.refused503() > 0, "submissions were refused while PostgreSQL was down: " + run);
    }

    @Test
    @Order(5)
    void plannerRestartedDuringLoadLosesNone() {
        assertAllDoneOnce(drill.run(Fault.restartPlanner(), RESTART_LOAD));
    }

    @Test
    @Order(6)
    void gatewayRestartedDuringLoadLosesNone() {
        FaultRun run = drill.run(Fault.restartGateway(), RESTART_LOAD);
        assertAllDoneOnce(run);
        assertTrue(run.unreachable() > 0, "clients met the gateway away and sent again: " + run);
    }

    @Test
    @Order(7)
    void aBurstAllCompletesWithTheGatewaysMemoryBounded() {
        BurstRun burst = drill.burst(new Load(600, 8, 16, Duration.ZERO));
        assertEquals(600, burst.succeeded(), burst::toString);
        assertEquals(0, burst.lost(), burst::toString);
        assertEquals(0, burst.duplicates(), burst::toString);
        // -Xmx384m plus the JVM's own: a gateway that held every job it saw would grow past this.
        assertTrue(burst.gatewayPeakRssMb() > 0 && burst.gatewayPeakRssMb() < 700, burst::toString);
    }

    private static void assertAllDoneOnce(FaultRun run) {
        assertTrue(run.jobs() >= 100, run.toString());
        assertEquals(0, run.lost(), () -> "lost jobs: " + run + " " + run.statuses());
        assertEquals(run.jobs(), run.succeeded(), () -> run + " " + run.statuses());
        assertEquals(0, run.duplicates(), run.toString());
    }
}
