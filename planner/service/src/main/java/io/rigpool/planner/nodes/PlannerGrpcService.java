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
import java.security.MessageDigest;
import org.jboss.logging.Logger;

/** gRPC adapter: one worker stream per call, checked for the cluster token, handed to the fleet coordinator. */
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
        private String nodeId;
        private boolean ended;

        WorkerStream(StreamObserver<PlannerMessage> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(WorkerMessage message) {
            switch (message.getBodyCase()) {
                case HELLO -> {
                    var hello = message.getHello();
                    // Constant-time comparison: the token is a secret.
                    if (!MessageDigest.isEqual(clusterToken, hello.getClusterToken().getBytes(StandardCharsets.UTF_8))) {
                        LOG.warnf("refused worker %s from %s: wrong cluster token", hello.getNodeId(),
                                hello.getHostname());
                        refuse(Status.PERMISSION_DENIED, "wrong cluster token");
                        return;
                    }
                    if (hello.getNodeId().isBlank()) {
                        refuse(Status.INVALID_ARGUMENT, "hello without node_id");
                        return;
                    }
                    nodeId = hello.getNodeId();
                    fleet.connected(hello, this);
                }
                case HEARTBEAT -> {
                    if (nodeId == null) {
                        refuse(Status.FAILED_PRECONDITION, "heartbeat before hello");
                        return;
                    }
                    fleet.heartbeat(nodeId, message.getHeartbeat(), this);
                }
                case LEAVING -> {
                    if (nodeId != null) {
                        fleet.disconnected(nodeId, this);
                    }
                }
                case RUNNER_EVENT -> {
                    if (nodeId != null) {
                        fleet.runnerEvent(nodeId, message.getRunnerEvent(), this);
                    }
                }
                default -> {
                    // An empty message: nothing to do.
                }
            }
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

        private synchronized void refuse(Status status, String reason) {
            if (ended) {
                return;
            }
            responses.onNext(PlannerMessage.newBuilder().setRefusal(Refusal.newBuilder().setReason(reason)).build());
            responses.onError(status.withDescription(reason).asRuntimeException());
            ended = true;
        }

        @Override
        public synchronized void send(PlannerMessage message) {
            if (!ended) {
                responses.onNext(message);
            }
        }

        @Override
        public synchronized void close() {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }
}
