package io.rigpool.worker.metrics;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.rigpool.proto.v1.WorkerMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the heartbeats this worker sends the planner, as they leave on the planner stream: a gRPC client
 * interceptor sees every message written to {@code Planner.Connect}, so the count needs nothing from the planner
 * link itself.
 */
@ApplicationScoped
@GlobalInterceptor
public class HeartbeatCounter implements ClientInterceptor {

    private final AtomicLong sent = new AtomicLong();

    /** Heartbeats handed to the stream so far. */
    public long sent() {
        return sent.get();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
                if (message instanceof WorkerMessage m && m.hasHeartbeat()) {
                    sent.incrementAndGet();
                }
                super.sendMessage(message);
            }
        };
    }
}
