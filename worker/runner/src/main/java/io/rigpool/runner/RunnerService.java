package io.rigpool.runner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.rigpool.proto.v1.CancelReply;
import io.rigpool.proto.v1.CancelRequest;
import io.rigpool.proto.v1.DescribeRequest;
import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateEvent;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerGrpc;
import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The loopback gRPC face of the runner. Each Generate runs on its own thread (llama.cpp serves concurrent requests
 * in parallel slots and queues the rest), so a long generation never holds a gRPC transport thread.
 */
final class RunnerService extends RunnerGrpc.RunnerImplBase {

    private static final Logger LOG = Logger.getLogger(RunnerService.class.getName());

    private final ModelEngine model;
    private final ActiveGenerations active = new ActiveGenerations();
    private final ExecutorService generationThreads;

    RunnerService(ModelEngine model, ExecutorService generationThreads) {
        this.model = model;
        this.generationThreads = generationThreads;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> responses) {
        String requestId = request.getRequestId().isEmpty() ? UUID.randomUUID().toString() : request.getRequestId();
        Generation generation = active.begin(requestId);
        if (generation == null) {
            responses.onError(Status.ALREADY_EXISTS
                    .withDescription("request_id: '" + requestId + "' is already generating").asRuntimeException());
            return;
        }
        ServerCallStreamObserver<GenerateEvent> call = (ServerCallStreamObserver<GenerateEvent>) responses;
        // The caller went away (worker ended, deadline passed): free the slot at the next token.
        call.setOnCancelHandler(generation::cancel);
        generationThreads.execute(() -> run(generation, request, call));
    }

    private void run(Generation generation, GenerateRequest request, ServerCallStreamObserver<GenerateEvent> call) {
        try {
            Finished finished = model.generate(generation, request, piece -> send(call, generation,
                    GenerateEvent.newBuilder().setPiece(piece).build()));
            send(call, generation, GenerateEvent.newBuilder().setFinished(finished).build());
            if (!call.isCancelled()) {
                call.onCompleted();
            }
        } catch (InvalidRequestException e) {
            fail(call, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "generation " + generation.requestId() + " failed", e);
            fail(call, Status.INTERNAL.withDescription("generation failed: " + e).withCause(e));
        } finally {
            active.end(generation);
        }
    }

    private static void send(ServerCallStreamObserver<GenerateEvent> call, Generation generation, GenerateEvent e) {
        try {
            if (!call.isCancelled()) {
                call.onNext(e);
                return;
            }
        } catch (StatusRuntimeException cancelledMeanwhile) {
            // The caller left between the check and the send; same as above.
        }
        generation.cancel();
    }

    private static void fail(ServerCallStreamObserver<GenerateEvent> call, Status status) {
        if (!call.isCancelled()) {
            call.onError(status.asRuntimeException());
        }
    }

    @Override
    public void cancel(CancelRequest request, StreamObserver<CancelReply> responses) {
        OptionalInt sampled = active.cancel(request.getRequestId());
        responses.onNext(CancelReply.newBuilder().setCancelled(sampled.isPresent())
                .setCompletionTokensAtCancel(sampled.orElse(0)).build());
        responses.onCompleted();
    }

    @Override
    public void describe(DescribeRequest request, StreamObserver<RunnerLoadReport> responses) {
        responses.onNext(model.report());
        responses.onCompleted();
    }
}
