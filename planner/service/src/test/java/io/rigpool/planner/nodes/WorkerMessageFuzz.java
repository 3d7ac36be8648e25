package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadState;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.ModelGeometry;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TensorEntry;
import io.rigpool.proto.v1.WorkerHello;
import java.util.List;
import java.util.Random;

/**
 * Generates hellos, heartbeats and runner events from a seed: every field drawn mostly from real-looking values,
 * sometimes from the edges of its bound (0, the maximum, one past it, -1, the type's extremes, NaN), so a share of
 * messages breaks exactly one or a few limits and the rest are legal but odd.
 */
final class WorkerMessageFuzz {

    /** How often a field takes an edge value instead of a real-looking one. */
    private static final double EDGE = 0.01;

    private final Random random;
    private final List<String> modelIds;

    WorkerMessageFuzz(long seed, List<String> modelIds) {
        this.random = new Random(seed);
        this.modelIds = modelIds;
    }

    WorkerHello hello(String nodeId, String token) {
        WorkerHello.Builder h = WorkerHello.newBuilder().setNodeId(edge() ? oddText(WorkerMessageLimits.MAX_ID_LENGTH)
                : nodeId).setHostname(text(WorkerMessageLimits.MAX_NAME_LENGTH)).setClusterToken(token)
                .setRamTotalBytes(bytes(64L << 30, WorkerMessageLimits.MAX_BYTES))
                .setRamFreeBytes(bytes(32L << 30, WorkerMessageLimits.MAX_BYTES))
                .setCpuThreads((int) number(32, WorkerMessageLimits.MAX_CPU_THREADS))
                .setCpuBandwidthGbps(decimal(60, WorkerMessageLimits.MAX_BANDWIDTH_GBPS))
                .setOwnerReserveBytes(bytes(1L << 30, WorkerMessageLimits.MAX_BYTES))
                .setWorkerVersion(text(WorkerMessageLimits.MAX_NAME_LENGTH));
        int gpus = count(2, WorkerMessageLimits.MAX_GPUS);
        for (int i = 0; i < gpus; i++) {
            h.addGpus(gpu(i));
        }
        boolean proven = random.nextBoolean();
        h.setGpuOffloadSupported(proven).setBackend(Backend.newBuilder().setKind(proven ? "cuda" : "cpu")
                .setGpuProven(proven).setLibrary(text(WorkerMessageLimits.MAX_NAME_LENGTH))
                .setProbeLayersOffloaded((int) number(3, WorkerMessageLimits.MAX_LAYERS))
                .setProbeLayersTotal((int) number(3, WorkerMessageLimits.MAX_LAYERS))
                .setCpuOnlyReason(proven ? "" : text(WorkerMessageLimits.MAX_TEXT_LENGTH)));
        int models = count(3, 8);
        for (int i = 0; i < models; i++) {
            h.addModels(model(modelIds.get(random.nextInt(modelIds.size()))));
        }
        return h.build();
    }

    Heartbeat heartbeat() {
        Heartbeat.Builder b = Heartbeat.newBuilder().setRamFreeBytes(bytes(32L << 30, WorkerMessageLimits.MAX_BYTES))
                .setPaused(random.nextInt(10) == 0)
                .setOwnerReserveBytes(bytes(1L << 30, WorkerMessageLimits.MAX_BYTES));
        int gpus = count(1, WorkerMessageLimits.MAX_GPUS);
        for (int i = 0; i < gpus; i++) {
            b.addGpus(gpu(i));
        }
        int loaded = count(2, WorkerMessageLimits.MAX_LOADED);
        for (int i = 0; i < loaded; i++) {
            b.addLoaded(LoadedModel.newBuilder().setModelId(modelId())
                    .setState(LoadState.forNumber(random.nextInt(6)))
                    .setSlotsTotal((int) number(4, WorkerMessageLimits.MAX_SLOTS))
                    .setSlotsBusy((int) number(1, WorkerMessageLimits.MAX_SLOTS))
                    .setDecodeTps(decimal(40, WorkerMessageLimits.MAX_DECODE_TPS))
                    .setLoadProgress((float) decimal(0.5, 1)).setError(text(WorkerMessageLimits.MAX_TEXT_LENGTH))
                    .setNGpuLayers((int) number(33, WorkerMessageLimits.MAX_LAYERS + 1))
                    .setNCtx((int) number(8192, WorkerMessageLimits.MAX_CONTEXT))
                    .setLoadReport(random.nextBoolean() ? loadReport() : RunnerLoadReport.getDefaultInstance()));
        }
        return b.build();
    }

    RunnerEvent runnerEvent() {
        RunnerEvent.Builder e = RunnerEvent.newBuilder().setModelId(modelId());
        int kind = random.nextInt(20);
        if (kind == 0) {
            return e.build();
        }
        if (kind % 2 == 0) {
            return e.setLoaded(loadReport()).build();
        }
        RunnerCrash.Builder crash = RunnerCrash.newBuilder().setExitCode(random.nextInt())
                .setReason(text(WorkerMessageLimits.MAX_TEXT_LENGTH))
                .setJobsInFlight((int) number(1, WorkerMessageLimits.MAX_SLOTS));
        int lines = count(5, WorkerMessageLimits.MAX_LIST);
        for (int i = 0; i < lines; i++) {
            crash.addLastLogLines(text(WorkerMessageLimits.MAX_TEXT_LENGTH));
        }
        return e.setCrashed(crash).build();
    }

    private Gpu gpu(int index) {
        long total = bytes(12L << 30, WorkerMessageLimits.MAX_VRAM_BYTES);
        return Gpu.newBuilder().setIndex(edge() ? (int) number(index, 255) : index)
                .setName(random.nextBoolean() ? "NVIDIA GeForce RTX 3060" : text(WorkerMessageLimits.MAX_NAME_LENGTH))
                .setTotalBytes(total).setFreeBytes(bytes(total / 2, WorkerMessageLimits.MAX_VRAM_BYTES))
                .setUsedBytes(bytes(total / 2, WorkerMessageLimits.MAX_VRAM_BYTES))
                .setBandwidthGbps(decimal(360, WorkerMessageLimits.MAX_BANDWIDTH_GBPS)).build();
    }

    private LocalModel model(String id) {
        int blocks = (int) number(1 + random.nextInt(48), WorkerMessageLimits.MAX_LAYERS);
        long size = bytes((1L << 30) * (1 + random.nextInt(16)), WorkerMessageLimits.MAX_BYTES);
        LocalModel.Builder m = LocalModel.newBuilder().setModelId(edge() ? oddText(300) : id)
                .setFileName(text(WorkerMessageLimits.MAX_NAME_LENGTH)).setSizeBytes(size)
                .setArchitecture(random.nextBoolean() ? "llama" : text(WorkerMessageLimits.MAX_NAME_LENGTH))
                .setBlockCount(blocks).setContextLength(number(8192, WorkerMessageLimits.MAX_CONTEXT))
                .setFileType("15").setNonLayerBytes(bytes(size / 10, WorkerMessageLimits.MAX_BYTES));
        if (random.nextBoolean()) {
            int layers = Math.max(0, Math.min(blocks, 64));
            for (int i = 0; i < layers; i++) {
                m.addLayerBytes(bytes(size / Math.max(1, blocks), WorkerMessageLimits.MAX_BYTES));
            }
        }
        if (random.nextInt(4) == 0) {
            ModelGeometry.Builder g = ModelGeometry.newBuilder().setArchitecture("llama")
                    .setLayers((int) number(Math.min(blocks, 64), WorkerMessageLimits.MAX_LAYERS))
                    .setEmbedding(number(4096, WorkerMessageLimits.MAX_DIMENSION))
                    .setVocabulary(number(32000, WorkerMessageLimits.MAX_DIMENSION))
                    .setKeyLength(number(128, WorkerMessageLimits.MAX_DIMENSION))
                    .setValueLength(number(128, WorkerMessageLimits.MAX_DIMENSION))
                    .setTrainedContext((int) number(8192, WorkerMessageLimits.MAX_CONTEXT));
            int tensors = count(4, 16);
            for (int i = 0; i < tensors; i++) {
                g.addTensors(TensorEntry.newBuilder().setName("blk." + i + ".attn_q.weight")
                        .setGgmlType((int) number(12, 255)).addDims(number(4096, WorkerMessageLimits.MAX_BYTES))
                        .addDims(number(4096, WorkerMessageLimits.MAX_BYTES))
                        .setBytes(bytes(1L << 24, WorkerMessageLimits.MAX_BYTES))
                        .setLayer((int) number(i, WorkerMessageLimits.MAX_LAYERS - 1)));
            }
            m.setGeometry(g);
        }
        return m.build();
    }

    private RunnerLoadReport loadReport() {
        RunnerLoadReport.Builder r = RunnerLoadReport.newBuilder()
                .setNGpuLayersRequested((int) number(33, 100_000))
                .setLayersOffloaded((int) number(20, WorkerMessageLimits.MAX_LAYERS + 1))
                .setLayersTotal((int) number(33, WorkerMessageLimits.MAX_LAYERS + 1))
                .setLoadMs(number(2000, WorkerMessageLimits.MAX_LOAD_MS)).setGpuBackendPresent(random.nextBoolean())
                .setNCtx((int) number(4096, WorkerMessageLimits.MAX_CONTEXT))
                .setParallelSlots((int) number(2, WorkerMessageLimits.MAX_SLOTS)).setCacheTypeK("f16")
                .setCacheTypeV("f16").setNBatch((int) number(2048, WorkerMessageLimits.MAX_CONTEXT))
                .setNUbatch((int) number(512, WorkerMessageLimits.MAX_CONTEXT));
        int buffers = count(3, WorkerMessageLimits.MAX_LIST);
        for (int i = 0; i < buffers; i++) {
            r.addBuffers(DeviceBuffer.newBuilder().setDevice(random.nextBoolean() ? "CUDA0" : "CPU")
                    .setKindValue(random.nextInt(5)).setBytes(bytes(1L << 28, WorkerMessageLimits.MAX_BYTES)));
        }
        return r.build();
    }

    private String modelId() {
        return edge() ? oddText(300) : modelIds.get(random.nextInt(modelIds.size()));
    }

    private boolean edge() {
        return random.nextDouble() < EDGE;
    }

    /** A typical value, or now and then an edge of the range: 0, max, max + 1, -1, the type's extremes. */
    private long number(long typical, long max) {
        if (!edge()) {
            return typical;
        }
        long[] edges = {0, 1, max, max + 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
            (long) (random.nextDouble() * max)};
        return edges[random.nextInt(edges.length)];
    }

    private long bytes(long typical, long max) {
        return number(Math.max(0, typical), max);
    }

    private double decimal(double typical, double max) {
        if (!edge()) {
            return typical * random.nextDouble();
        }
        double[] edges = {0, max, Math.nextUp(max), -0.5, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MAX_VALUE};
        return edges[random.nextInt(edges.length)];
    }

    private int count(int typical, int max) {
        if (!edge()) {
            return random.nextInt(typical + 1);
        }
        return random.nextBoolean() ? max : max + 1;
    }

    private String text(int max) {
        if (!edge()) {
            return random.nextBoolean() ? "" : "pc-" + random.nextInt(1000);
        }
        return "x".repeat(random.nextBoolean() ? max : max + 1);
    }

    /** An id that may be too long or hold characters ids may not. */
    private String oddText(int max) {
        String[] odd = {"", "Upper-Case", "../etc", "a b", "ü-model", "-lead", "x".repeat(max), "x".repeat(max + 1)};
        return odd[random.nextInt(odd.length)];
    }
}
