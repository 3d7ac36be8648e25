package io.rigpool.local.reliability;

import io.rigpool.local.LocalStack;
import io.rigpool.local.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One fault a drill strikes while jobs are in flight. Each returns once the fault is over as far as the operator is
 * concerned (the server started again, the crashed process gone); recovering from it is the system's business.
 */
public record Fault(String name, Strike strike) {

    /** What the fault does to the running stack. */
    @FunctionalInterface
    public interface Strike {
        void on(Context context);
    }

    /** What a fault can reach: the stack, a client to probe the gateway with, and a place to say what happened. */
    public record Context(LocalStack stack, JobSubmitter probe, Consumer<String> log) {
    }

    private static final Duration NOTICE_WITHIN = Duration.ofSeconds(60);
    private static final Duration READY_WITHIN = Duration.ofMinutes(2);
    /** Probe submissions get numbers of their own, far from the load's. */
    private static final int PROBE_SEQ_BASE = 1_000_000;

    /** SIGKILL one runner process (a llama.cpp crash) of a worker that serves the model. */
    public static Fault killRunner() {
        return new Fault("sigkill-runner", context -> {
            ProcessHandle runner = awaitRunner(context.stack()).runner();
            context.log().accept("SIGKILL runner " + runner.pid());
            runner.destroyForcibly();
            await("runner " + runner.pid() + " to exit", () -> !runner.isAlive());
        });
    }

    /**
     * SIGKILL a whole worker that serves the model (its runners end with it: they watch their parent), then start
     * it again as a service manager would ({@code Restart=always}). The jobs it had taken but not finished were
     * never committed, so Kafka delivers them again to whoever serves the model next.
     */
    public static Fault killWorker() {
        return new Fault("sigkill-worker", context -> {
            ServiceProcess worker = awaitRunner(context.stack()).worker();
            context.log().accept("SIGKILL " + worker.name() + " (pid " + worker.pid() + "), then start it again");
            worker.kill();
            worker.start().awaitReady(READY_WITHIN);
        });
    }

    /** Stop the Kafka broker, see submissions refused with 503 + Retry-After, start it again on the same data. */
    public static Fault restartKafka() {
        return new Fault("restart-kafka", context -> {
            context.log().accept("stopping Kafka");
            context.stack().infrastructure().stopKafka();
            try {
                awaitRefusal(context);
            } finally {
                context.log().accept("starting Kafka");
                context.stack().infrastructure().startKafka();
            }
        });
    }

    /** Stop PostgreSQL, see submissions refused with 503 + Retry-After, start it again on the same data. */
    public static Fault restartPostgres() {
        return new Fault("restart-postgres", context -> {
            context.log().accept("stopping PostgreSQL");
            context.stack().infrastructure().stopPostgres();
            try {
                awaitRefusal(context);
            } finally {
                context.log().accept("starting PostgreSQL");
                context.stack().infrastructure().startPostgres();
            }
        });
    }

    /** Stop the planner (SIGTERM) and start it again: workers reconnect by themselves and keep serving. */
    public static Fault restartPlanner() {
        return new Fault("restart-planner", context -> {
            context.log().accept("restarting the planner");
            int exit = context.stack().restart(context.stack().planner(), READY_WITHIN);
            context.log().accept("planner stopped with exit code " + exit + " and is ready again");
        });
    }

    /** Stop the gateway (SIGTERM) and start it again; clients retry with the same idempotency keys meanwhile. */
    public static Fault restartGateway() {
        return new Fault("restart-gateway", context -> {
            context.log().accept("restarting the gateway");
            int exit = context.stack().restart(context.stack().gateway(), READY_WITHIN);
            context.log().accept("gateway stopped with exit code " + exit + " and is ready again");
        });
    }

    public static List<Fault> restarts() {
        return List.of(restartKafka(), restartPostgres(), restartPlanner(), restartGateway());
    }

    /**
     * Submits probe jobs until one is refused with 503 (the gateway noticed the outage), and fails unless that
     * refusal says when to come back. A probe the gateway accepted before it noticed is an ordinary job of the run.
     */
    private static void awaitRefusal(Context context) {
        long deadline = System.nanoTime() + NOTICE_WITHIN.toNanos();
        for (int n = PROBE_SEQ_BASE; ; n++) {
            JobSubmitter.Attempt attempt = context.probe().attempt(n);
            if (attempt instanceof JobSubmitter.Attempt.Unavailable u) {
                if (u.retryAfter().isEmpty()) {
                    throw new IllegalStateException("a 503 without Retry-After: " + u.body());
                }
                context.log().accept("submissions refused: 503, Retry-After " + u.retryAfter().get().toSeconds()
                        + " s: " + u.body());
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway still answers " + attempt + " " + NOTICE_WITHIN
                        + " into the outage");
            }
            JobSubmitter.pause(Duration.ofMillis(100));
        }
    }

    /** A worker whose runner process is up. */
    private record Serving(ServiceProcess worker, ProcessHandle runner) {
    }

    private static Serving awaitRunner(LocalStack stack) {
        List<Serving> found = new ArrayList<>();
        await("a worker with a runner", () -> {
            for (ServiceProcess worker : stack.workers()) {
                Optional<ProcessHandle> runner = runnerOf(worker);
                if (runner.isPresent()) {
                    found.add(new Serving(worker, runner.get()));
                    return true;
                }
            }
            return false;
        });
        return found.get(0);
    }

    /** The worker's runner: a child JVM running the runner jar. */
    static Optional<ProcessHandle> runnerOf(ServiceProcess worker) {
        if (!worker.alive()) {
            return Optional.empty();
        }
        return ProcessHandle.of(worker.pid()).flatMap(p -> p.descendants()
                .filter(d -> d.info().commandLine().orElse("").contains("rigpool-runner.jar")).findFirst());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + NOTICE_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + NOTICE_WITHIN);
            }
            JobSubmitter.pause(Duration.ofMillis(100));
        }
    }
}
