package io.rigpool.worker.planner;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.AssignmentSet;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.WorkerHello;
import io.rigpool.proto.v1.WorkerLeaving;
import io.rigpool.proto.v1.WorkerMessage;
import java.time.Duration;
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
 */
public final class PlannerLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PlannerLink.class);

    private final PlannerGrpc.PlannerStub stub;
    private final Supplier<WorkerHello> hello;
    private final Supplier<Heartbeat> heartbeat;
    private final Consumer<AssignmentSet> assignments;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
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
            Backoff backoff, NodeCredential credential) {
        this.stub = PlannerGrpc.newStub(channel);
        this.credential = credential;
        this.hello = hello;
        this.heartbeat = heartbeat;
        this.assignments = assignments;
        this.scheduler = scheduler;
        this.defaultHeartbeatInterval = heartbeatInterval;
        this.backoff = backoff;
    }

    public void start() {
        open();
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
     * Opens a new stream unless one is open: the hello, then at once a heartbeat, so that the planner knows what
     * runs here (and whether the owner paused) before it plans.
     */
    private void open() {
        WorkerMessage greeting = WorkerMessage.newBuilder().setHello(hello.get().toBuilder()
                .setNodeSecret(nodeSecret).setNodeCredential(credential.value())).build();
        synchronized (this) {
            if (closed || session != null) {
                return;
            }
            Session next = new Session();
            session = next;
            next.requests = stub.connect(next);
            next.send(greeting);
            scheduleHeartbeats(defaultHeartbeatInterval);
        }
        sendHeartbeat();
    }

    private synchronized void welcomed(Session from, Duration interval) {
        if (from != session) {
            return;
        }
        connected = true;
        backoff.reset();
        if (!interval.isZero() && !interval.equals(defaultHeartbeatInterval)) {
            scheduleHeartbeats(interval);
        }
    }

    private synchronized void assigned(Session from, AssignmentSet set) {
        if (from != session) {
            return;
        }
        connected = true;
        backoff.reset();
        assignments.accept(set);
    }

    private synchronized void broken(Session from, String why) {
        if (from != session || closed) {
            return;
        }
        session = null;
        connected = false;
        stopHeartbeats();
        Duration wait = backoff.next();
        LOG.warnf("planner stream ended (%s); reconnecting in %d ms", why, wait.toMillis());
        scheduler.schedule(this::open, wait.toMillis(), TimeUnit.MILLISECONDS);
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
