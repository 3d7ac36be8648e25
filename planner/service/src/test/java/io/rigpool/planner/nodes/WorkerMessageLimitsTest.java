package io.rigpool.planner.nodes;

import static io.rigpool.planner.nodes.FakeWorker.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TensorEntry;
import io.rigpool.proto.v1.WorkerHello;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerMessageLimitsTest {

    private static WorkerHello.Builder goodHello() {
        return FakeWorker.hello("pc-1", "token", 8 * GIB, FakeWorker.model("llama-8b", 4 * GIB, 32));
    }

    private static void assertRefused(Optional<WorkerMessageLimits.Violation> v, String field, String rule) {
        assertTrue(v.isPresent(), "expected " + field + " to be refused");
        assertEquals(field, v.get().field(), v.get().message());
        assertEquals(rule, v.get().rule(), v.get().message());
    }

    @Test
    void aRealHelloHeartbeatAndEventPass() {
        assertEquals(Optional.empty(), WorkerMessageLimits.hello(goodHello().build()));
        assertEquals(Optional.empty(), WorkerMessageLimits.heartbeat(Heartbeat.newBuilder()
                .addGpus(FakeWorker.gpu("NVIDIA GeForce RTX 3060", 12 * GIB, 8 * GIB)).setRamFreeBytes(16 * GIB)
                .addLoaded(LoadedModel.newBuilder().setModelId("llama-8b").setSlotsTotal(2).setDecodeTps(40)
                        .setLoadProgress(1).setNGpuLayers(33).setNCtx(8192)).build()));
        assertEquals(Optional.empty(), WorkerMessageLimits.runnerEvent(RunnerEvent.newBuilder().setModelId("llama-8b")
                .setLoaded(RunnerLoadReport.newBuilder().setNGpuLayersRequested(999).setLayersOffloaded(33)
                        .setLayersTotal(33)).build()));
    }

    @Test
    void theHelloThatAllocated16GiBIsRefusedForItsBlockCount() {
        LocalModel huge = LocalModel.newBuilder().setModelId("huge").setSizeBytes(GIB).setBlockCount(Integer.MAX_VALUE)
                .build();
        var v = WorkerMessageLimits.hello(goodHello().clearModels().addModels(huge).build());
        assertRefused(v, "models[0].block_count", "out_of_range");
        assertEquals("models[].block_count", v.get().fieldKind());
        assertTrue(v.get().message().contains("2147483647, outside 0..1024"), v.get().message());
    }

    @Test
    void everyKindOfBoundIsEnforced() {
        assertRefused(WorkerMessageLimits.hello(goodHello().setNodeId("pc 1; drop").build()), "node_id", "bad_node_id");
        assertRefused(WorkerMessageLimits.hello(goodHello().setNodeId("x".repeat(129)).build()), "node_id",
                "bad_node_id");
        assertRefused(WorkerMessageLimits.hello(goodHello().setHostname("h".repeat(257)).build()), "hostname",
                "too_long");
        assertRefused(WorkerMessageLimits.hello(goodHello().setRamFreeBytes(-1).build()), "ram_free_bytes",
                "out_of_range");
        assertRefused(WorkerMessageLimits.hello(goodHello().setCpuBandwidthGbps(Double.NaN).build()),
                "cpu_bandwidth_gbps", "out_of_range");
        assertRefused(WorkerMessageLimits.hello(goodHello().setGpus(0, Gpu.newBuilder().setTotalBytes(2L << 40))
                .build()), "gpus[0].total_bytes", "out_of_range");
        WorkerHello.Builder manyGpus = goodHello();
        for (int i = 0; i < 17; i++) {
            manyGpus.addGpus(FakeWorker.gpu("card", GIB, GIB));
        }
        assertRefused(WorkerMessageLimits.hello(manyGpus.build()), "gpus", "too_many");
        assertRefused(WorkerMessageLimits.hello(goodHello().addModels(FakeWorker.model("Not/A/Model", GIB, 2)).build()),
                "models[1].model_id", "bad_model_id");
        assertRefused(WorkerMessageLimits.hello(goodHello().addModels(FakeWorker.model("llama-8b", GIB, 2)).build()),
                "models[1].model_id", "duplicate");
        LocalModel bigDims = FakeWorker.model("odd", GIB, 2).toBuilder().setGeometry(io.rigpool.proto.v1.ModelGeometry
                .newBuilder().addTensors(TensorEntry.newBuilder().setName("t").addDims(1).addDims(1).addDims(1)
                        .addDims(1).addDims(1))).build();
        assertRefused(WorkerMessageLimits.hello(goodHello().addModels(bigDims).build()),
                "models[1].geometry.tensors[0].dims", "too_many");

        assertRefused(WorkerMessageLimits.heartbeat(Heartbeat.newBuilder().addLoaded(LoadedModel.newBuilder()
                .setModelId("m").setDecodeTps(Double.POSITIVE_INFINITY)).build()), "loaded[0].decode_tps",
                "out_of_range");
        assertRefused(WorkerMessageLimits.heartbeat(Heartbeat.newBuilder().setOwnerReserveBytes(-5).build()),
                "owner_reserve_bytes", "out_of_range");
        assertRefused(WorkerMessageLimits.runnerEvent(RunnerEvent.newBuilder().setModelId("m").setCrashed(RunnerCrash
                .newBuilder().setReason("r".repeat(5000))).build()), "crashed.reason", "too_long");
        assertRefused(WorkerMessageLimits.runnerEvent(RunnerEvent.newBuilder().setModelId("m").build()), "event",
                "missing");
        assertRefused(WorkerMessageLimits.runnerEvent(RunnerEvent.newBuilder().setModelId("../m").setLoaded(
                RunnerLoadReport.getDefaultInstance()).build()), "model_id", "bad_model_id");
    }

    @Test
    void boundaryValuesThemselvesPass() {
        LocalModel edge = LocalModel.newBuilder().setModelId("a".repeat(io.rigpool.common.topics.Topics
                .MAX_MODEL_ID_LENGTH)).setBlockCount(WorkerMessageLimits.MAX_LAYERS)
                .setSizeBytes(WorkerMessageLimits.MAX_BYTES).setContextLength(WorkerMessageLimits.MAX_CONTEXT).build();
        assertEquals(Optional.empty(), WorkerMessageLimits.hello(goodHello().setNodeId("n".repeat(128))
                .setRamTotalBytes(WorkerMessageLimits.MAX_BYTES).addModels(edge).build()));
    }
}
