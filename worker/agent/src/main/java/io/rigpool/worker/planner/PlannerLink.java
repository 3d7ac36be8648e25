package io.rigpool.worker.planner;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.rigpool.common.retry.RetryForever;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.proto.v1.WorkerLeaving;
import io.rigpool.proto.v1.WorkerMessage;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The worker's one stream to the planner ({@code Planner.Connect}): says hello, sends a heartbeat every interval,
 * hands each AssignmentSet to the worker, and when the stream breaks (planner restart, network) opens a new one after
 * a growing pause, starting again with hello. Models keep serving while the planner is away.
 * <p>
 * The pauses are SmallRye Fault Tolerance's retry ({@link RetryForever}): one guarded call per reconnection, whose
 * tries are streams, and a try succeeds when the planner answers on its stream (Welcome or assignments). So the
 * pause starts again from the shortest once the planner has answered. The stream that just broke counts as the
 * call's first, failed try: even after a long session the worker waits the shortest pause before its next hello, so
 * a planner that welcomes and drops streams at once is not called in a tight loop.
 */
public final class PlannerLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PlannerLink.class);
    /** What a try of {@link #reconnects} returns: done when the planner answers on the stream it opened. */
    private static final TypeLiteral<CompletionStage<Void>> ANSWER = new TypeLiteral<>() {
    };

    private final PlannerGrpc.PlannerStub stub;
    private final Supplier<WorkerHello> hello;
    private final Supplier<Heartbeat> heartbeat;
    private final Consumer<AssignmentSet> assignments;
    private final ScheduledExecutorService scheduler;
    private final Guard reconnects;
    private final Duration defaultHeartbeatInterval;

    private final AtomicBoolean heartbeatQueued = new AtomicBoolean();
    private Session session;
    private ScheduledFuture<?> heartbeats;
    private boolean closed;
    private volatile boolean connected;
    /** This node's latest session secret (from its Welcome): a reconnect may replace a stream not yet noticed gone. */
    private volatile String nodeSecret = "";
    private final NodeCredential credential;

    public PlannerLink(Channel channel, Supplier<WorkerHello> hello, Supplier<Heartbeat> heartbeat,
            Consumer<AssignmentSet> assignments, ScheduledExecutorService scheduler, Duration heartbeatInterval,
            Duration reconnectMin, Duration reconnectMax, NodeCredential credential) {
        this.stub = PlannerGrpc.newStub(channel);
        this.credential = credential;
        this.hello = hello;
        this.heartbeat = heartbeat;
        this.assignments = assignments;
        this.scheduler = scheduler;
        this.defaultHeartbeatInterval = heartbeatInterval;
        this.reconnects = Guard.create()
                .withDescription("worker: stream to the planner")
                .withRetry()
                .with(RetryForever.doubling(reconnectMin, reconnectMax))
                .beforeRetry(why -> LOG.warnf("planner stream ended (%s); reconnecting", why.getMessage()))
                .done()
                .build();
    }

    public void start() {
        connect(null);
    }

    /** True while a stream is open and the planner has answered on it. */
    public boolean connected() {
        return connected;
    }

    /** Sends a message on the current stream; dropped when there is none (the next hello carries the state). */
    public synchronized void send(WorkerMessage message) {
        if (session != null) {
            session.send(message);
        }
    }

    /**
     * Sends a heartbeat now rather than at the next beat: something the planner plans with changed (free VRAM, the
     * owner's pause or reserve, a model's state). Requests that come while one is queued share it.
     */
    public void heartbeatNow() {
        if (heartbeatQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    heartbeatQueued.set(false);
                    sendHeartbeat();
                });
            } catch (RejectedExecutionException e) {
                heartbeatQueued.set(false);
            }
        }
    }

    /** Tells the planner this worker leaves, and ends the stream. */
    @Override
    public synchronized void close() {
        closed = true;
        stopHeartbeats();
        if (session != null) {
            session.send(WorkerMessage.newBuilder()
                    .setLeaving(WorkerLeaving.newBuilder().setReason("worker shutting down")).build());
            session.complete();
            session = null;
        }
        connected = false;
    }

    /**
     * Opens streams until the planner answers on one, pausing between them.
     *
     * @param justBroken the stream that just ended, counted as the first failed try; null when starting
     */
    private void connect(StreamEnded justBroken) {
        AtomicBoolean brokenStreamCounted = new AtomicBoolean(justBroken == null);
        reconnects.get(() -> brokenStreamCounted.getAndSet(true)
                ? openOnPlannerThread()
                : CompletableFuture.failedStage(justBroken), ANSWER);
    }

    /** One try: a stream opened on the planner thread; done when the planner answers on it, failed when it ends. */
    private CompletionStage<Void> openOnPlannerThread() {
        try {
            return CompletableFuture.supplyAsync(this::open, scheduler).thenCompose(answered -> answered);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // the worker is shutting down: no more tries
        }
    }

    /**
     * Opens a new stream unless one is open: the hello, then at once a heartbeat, so that the planner knows what
     * runs here (and whether the owner paused) before it plans.
     *
     * @return when the planner answers on the new stream; at once when none was opened (closed, or one is open)
     */
    private CompletionStage<Void> open() {
        WorkerMessage greeting = WorkerMessage.newBuilder().setHello(hello.get().toBuilder()
                .setNodeSecret(nodeSecret).setNodeCredential(credential.value())).build();
        Session next = new Session();
        synchronized (this) {
            if (closed || session != null) {
                return CompletableFuture.completedFuture(null);
            }
            session = next;
            next.requests = stub.connect(next);
            next.send(greeting);
            scheduleHeartbeats(defaultHeartbeatInterval);
        }
        sendHeartbeat();
        return next.answered;
    }

    private synchronized void welcomed(Session from, Duration interval) {
        if (from != session) {
            return;
        }
        connected = true;
        from.answered.complete(null);
        if (!interval.isZero() && !interval.equals(defaultHeartbeatInterval)) {
            scheduleHeartbeats(interval);
        }
    }

    private synchronized void assigned(Session from, AssignmentSet set) {
        if (from != session) {
            return;
        }
        connected = true;
        from.answered.complete(null);
        assignments.accept(set);
    }

    private synchronized void broken(Session from, String why) {
        if (from != session || closed) {
            return;
        }
        session = null;
        connected = false;
        stopHeartbeats();
        StreamEnded ended = new StreamEnded(why);
        if (from.answered.isDone()) {
            connect(ended); // the planner had answered: a new reconnection, from the shortest pause
        } else {
            from.answered.completeExceptionally(ended); // this reconnection's try failed: the guard pauses longer
        }
    }

    /** A stream ended: a failed try for the reconnection guard. */
    private static final class StreamEnded extends Exception {
        StreamEnded(String why) {
            super(why, null, false, false);
        }
    }

    private void scheduleHeartbeats(Duration interval) {
        stopHeartbeats();
        heartbeats = scheduler.scheduleAtFixedRate(this::sendHeartbeat, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void stopHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
            heartbeats = null;
        }
    }

    private void sendHeartbeat() {
        try {
            send(WorkerMessage.newBuilder().setHeartbeat(heartbeat.get()).build());
        } catch (RuntimeException e) {
            // A failing heartbeat must not end the schedule; the next one may succeed.
            LOG.warnf(e, "could not send a heartbeat");
        }
    }

    /** One Connect call. Messages of a session that is no longer current are ignored. */
    private final class Session implements StreamObserver<PlannerMessage> {

        StreamObserver<WorkerMessage> requests;
        /** Done once the planner answers on this stream. */
        final CompletableFuture<Void> answered = new CompletableFuture<>();
        private boolean ended;

        synchronized void send(WorkerMessage message) {
            if (!ended) {
                requests.onNext(message);
            }
        }

        synchronized void complete() {
            if (!ended) {
                ended = true;
                requests.onCompleted();
            }
        }

        @Override
        public void onNext(PlannerMessage message) {
            switch (message.getBodyCase()) {
                case WELCOME -> {
                    nodeSecret = message.getWelcome().getNodeSecret();
                    credential.keep(message.getWelcome().getNodeCredential());
                    welcomed(this, Duration.ofMillis(message.getWelcome().getHeartbeatIntervalMs()));
                }
                case ASSIGNMENTS -> assigned(this, message.getAssignments());
                case REFUSAL -> LOG.errorf("the planner refused this worker: %s",
                        message.getRefusal().getReason());
                default -> LOG.debugf("ignoring planner message %s", message.getBodyCase());
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                ended = true;
            }
            broken(this, t.getMessage());
        }

        @Override
        public void onCompleted() {
            complete();
            broken(this, "closed by the planner");
        }
    }
}
