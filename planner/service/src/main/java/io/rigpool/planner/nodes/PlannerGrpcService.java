package io.rigpool.planner.nodes;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.rigpool.planner.PlannerConfig;
import io.rigpool.proto.v1.PlannerGrpc;
import io.rigpool.proto.v1.PlannerMessage;
import io.rigpool.proto.v1.Refusal;
import io.rigpool.proto.v1.WorkerMessage;
import java.nio.charset.StandardCharsets;
import io.rigpool.proto.v1.WorkerHello;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * gRPC adapter: one worker stream per call, checked for the cluster token and every message against
 * {@link WorkerMessageLimits}, handed to the fleet coordinator. A message that breaks a limit ends the stream with a
 * {@code Refusal} naming the rule; nothing of it reaches the fleet loop.
 */
@GrpcService
public class PlannerGrpcService extends PlannerGrpc.PlannerImplBase {

    private static final Logger LOG = Logger.getLogger(PlannerGrpcService.class);

    private final FleetCoordinator fleet;
    private final byte[] clusterToken;

    PlannerGrpcService(FleetCoordinator fleet, PlannerConfig config) {
        this.fleet = fleet;
        this.clusterToken = config.clusterToken().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public StreamObserver<WorkerMessage> connect(StreamObserver<PlannerMessage> responses) {
        return new WorkerStream(responses);
    }

    private final class WorkerStream implements StreamObserver<WorkerMessage>, NodeSession {

        private final StreamObserver<PlannerMessage> responses;
        /** Written by gRPC's thread, read by the fleet loop's when it refuses the stream. */
        private volatile String nodeId;
        private volatile boolean ended;

        WorkerStream(StreamObserver<PlannerMessage> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(WorkerMessage message) {
            if (ended) {
                // Refused or closed: whatever the worker sent after that is not read.
                return;
            }
            switch (message.getBodyCase()) {
                case HELLO -> hello(message.getHello());
                case HEARTBEAT -> {
                    if (nodeId == null) {
                        refuse(Status.FAILED_PRECONDITION, "heartbeat before hello");
                    } else if (within(WorkerMessageLimits.heartbeat(message.getHeartbeat()), "heartbeat")) {
                        fleet.heartbeat(nodeId, message.getHeartbeat(), this);
                    }
                }
                case LEAVING -> {
                    if (nodeId != null) {
                        fleet.disconnected(nodeId, this);
                    }
                }
                case RUNNER_EVENT -> {
                    if (nodeId == null) {
                        refuse(Status.FAILED_PRECONDITION, "runner event before hello");
                    } else if (within(WorkerMessageLimits.runnerEvent(message.getRunnerEvent()), "runner event")) {
                        fleet.runnerEvent(nodeId, message.getRunnerEvent(), this);
                    }
                }
                default -> {
                    // An empty message: nothing to do.
                }
            }
        }

        private void hello(WorkerHello hello) {
            // Constant-time comparison: the token is a secret.
            if (!MessageDigest.isEqual(clusterToken, hello.getClusterToken().getBytes(StandardCharsets.UTF_8))) {
                LOG.warnf("refused worker %.128s from %.256s: wrong cluster token", hello.getNodeId(),
                        hello.getHostname());
                refuse(Status.PERMISSION_DENIED, "wrong cluster token");
                return;
            }
            if (!within(WorkerMessageLimits.hello(hello), "hello")) {
                return;
            }
            if (nodeId != null && !nodeId.equals(hello.getNodeId())) {
                // One stream speaks for one node, so a session can never be two nodes' at once.
                refuse(Status.INVALID_ARGUMENT, "this stream is node " + nodeId + "'s; a hello cannot change it");
                return;
            }
            nodeId = hello.getNodeId();
            fleet.connected(hello, this);
        }

        /** True when the message keeps to the limits; else the stream is refused with the first rule it broke. */
        private boolean within(Optional<WorkerMessageLimits.Violation> violation, String what) {
            if (violation.isEmpty()) {
                return true;
            }
            String reason = what + " refused: " + violation.get().message();
            LOG.warnf("refused node %s: %s", nodeId == null ? "(no hello yet)" : nodeId, reason);
            refuse(Status.INVALID_ARGUMENT, reason);
            return false;
        }

        @Override
        public void onError(Throwable t) {
            if (nodeId != null) {
                fleet.disconnected(nodeId, this);
            }
        }

        @Override
        public void onCompleted() {
            if (nodeId != null) {
                fleet.disconnected(nodeId, this);
            }
            close();
        }

        private void refuse(Status status, String reason) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                try {
                    responses.onNext(PlannerMessage.newBuilder().setRefusal(Refusal.newBuilder().setReason(reason))
                            .build());
                    responses.onError(status.withDescription(reason).asRuntimeException());
                } catch (RuntimeException e) {
                    // The worker hung up first: nobody is left to tell.
                }
            }
            // The stream is over whether or not gRPC tells the observer: the node's session ends with it.
            if (nodeId != null) {
                fleet.disconnected(nodeId, this);
            }
        }

        @Override
        public void refuse(String reason) {
            LOG.warnf("refused node %s: %s", nodeId, reason);
            refuse(Status.PERMISSION_DENIED, reason);
        }

        /**
         * Sends unless the stream ended. A worker may hang up at any moment (gRPC then throws on the next message);
         * that ends this stream only, never the fleet-loop task that sends to every node.
         */
        @Override
        public synchronized void send(PlannerMessage message) {
            if (!ended) {
                try {
                    responses.onNext(message);
                } catch (RuntimeException e) {
                    ended = true;
                    LOG.debugf("node %s hung up before a message reached it: %s", nodeId, e.getMessage());
                }
            }
        }

        @Override
        public synchronized void close() {
            if (!ended) {
                ended = true;
                try {
                    responses.onCompleted();
                } catch (RuntimeException e) {
                    // Already cancelled by the worker: closed either way.
                }
            }
        }
    }
}
