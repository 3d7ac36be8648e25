package io.rigpool.planner.nodes;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.BackendAttempt;
import io.rigpool.proto.v1.Engine;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.GpuDevice;
import io.rigpool.proto.v1.Heartbeat;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.ModelGeometry;
import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.proto.v1.RunnerEvent;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TensorEntry;
import io.rigpool.proto.v1.WorkerHello;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a worker may say. Every field of a hello, heartbeat and runner event is checked against a bound before the
 * fleet loop sees it, because the planner sizes arrays, sums bytes and plans with these figures: one hello with
 * {@code block_count} 2^31-1 would make the estimator allocate 16 GiB. The bounds are far above any real PC or
 * GGUF file (the largest open models have under 200 layers and a few thousand tensors) and far below what could
 * hurt the planner. Plain Java; the gRPC adapter refuses a message with the first violation found.
 */
public final class WorkerMessageLimits {

    /** A rule a message broke: where, which rule (a code, for counting) and the figures, in words. */
    public record Violation(String field, String rule, String detail) {

        /** The field without list positions ({@code models[].block_count}), to count violations by kind. */
        public String fieldKind() {
            return field.replaceAll("\\[\\d+]", "[]");
        }

        public String message() {
            return field + " " + detail;
        }
    }

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_NAME_LENGTH = 256;
    public static final int MAX_TEXT_LENGTH = 4096;
    public static final int MAX_TOKEN_LENGTH = 1024;
    public static final int MAX_GPUS = 16;
    public static final int MAX_MODELS = 256;
    public static final int MAX_LOADED = 64;
    public static final int MAX_LAYERS = 1024;
    /** As many as the worker's GGUF reader keeps of one file. */
    public static final int MAX_TENSORS = 262_144;
    public static final int MAX_TENSOR_DIMS = 4;
    public static final int MAX_LIST = 64;
    public static final int MAX_CPU_THREADS = 4096;
    public static final int MAX_SLOTS = 1024;
    public static final int MAX_ARCHITECTURES = 1024;
    public static final long MAX_CONTEXT = 1L << 24;
    public static final long MAX_DIMENSION = 1L << 24;
    /** One card's memory: 1 TiB. */
    public static final long MAX_VRAM_BYTES = 1L << 40;
    /** One PC's memory, a model file, a buffer: 64 TiB. */
    public static final long MAX_BYTES = 1L << 46;
    public static final double MAX_BANDWIDTH_GBPS = 100_000;
    public static final double MAX_DECODE_TPS = 1_000_000;
    public static final long MAX_LOAD_MS = 86_400_000L;

    /** Node ids name rows, log lines and admin URLs: letters, digits and {@code . _ : -}, starting alphanumeric. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    private WorkerMessageLimits() {
    }

    public static Optional<Violation> hello(WorkerHello hello) {
        Checks c = new Checks();
        c.nodeId("node_id", hello.getNodeId());
        c.text("hostname", hello.getHostname(), MAX_NAME_LENGTH);
        c.text("cluster_token", hello.getClusterToken(), MAX_TOKEN_LENGTH);
        c.text("node_secret", hello.getNodeSecret(), MAX_ID_LENGTH);
        c.text("node_credential", hello.getNodeCredential(), MAX_ID_LENGTH);
        c.text("worker_version", hello.getWorkerVersion(), MAX_NAME_LENGTH);
        c.count("gpus", hello.getGpusCount(), MAX_GPUS);
        for (int i = 0; i < hello.getGpusCount() && c.ok(); i++) {
            gpu(c, "gpus[" + i + "]", hello.getGpus(i));
        }
        c.range("ram_total_bytes", hello.getRamTotalBytes(), 0, MAX_BYTES);
        c.range("ram_free_bytes", hello.getRamFreeBytes(), 0, MAX_BYTES);
        c.range("cpu_threads", hello.getCpuThreads(), 0, MAX_CPU_THREADS);
        c.range("cpu_bandwidth_gbps", hello.getCpuBandwidthGbps(), 0, MAX_BANDWIDTH_GBPS);
        c.range("owner_reserve_bytes", hello.getOwnerReserveBytes(), 0, MAX_BYTES);
        c.count("models", hello.getModelsCount(), MAX_MODELS);
        Set<String> ids = new HashSet<>();
        long tensors = 0;
        for (int i = 0; i < hello.getModelsCount() && c.ok(); i++) {
            LocalModel m = hello.getModels(i);
            model(c, "models[" + i + "]", m);
            if (c.ok() && !ids.add(m.getModelId())) {
                c.fail("models[" + i + "].model_id", "duplicate", "repeats " + m.getModelId());
            }
            tensors += m.getGeometry().getTensorsCount();
        }
        c.range("models[].geometry.tensors (all models)", tensors, 0, MAX_TENSORS);
        if (c.ok() && hello.hasBackend()) {
            backend(c, "backend", hello.getBackend());
        }
        c.count("engines", hello.getEnginesCount(), MAX_GPUS);
        for (int i = 0; i < hello.getEnginesCount() && c.ok(); i++) {
            engine(c, "engines[" + i + "]", hello.getEngines(i));
        }
        return c.first();
    }

    public static Optional<Violation> heartbeat(Heartbeat heartbeat) {
        Checks c = new Checks();
        c.count("gpus", heartbeat.getGpusCount(), MAX_GPUS);
        for (int i = 0; i < heartbeat.getGpusCount() && c.ok(); i++) {
            gpu(c, "gpus[" + i + "]", heartbeat.getGpus(i));
        }
        c.range("ram_free_bytes", heartbeat.getRamFreeBytes(), 0, MAX_BYTES);
        c.range("owner_reserve_bytes", heartbeat.getOwnerReserveBytes(), 0, MAX_BYTES);
        c.count("loaded", heartbeat.getLoadedCount(), MAX_LOADED);
        for (int i = 0; i < heartbeat.getLoadedCount() && c.ok(); i++) {
            loaded(c, "loaded[" + i + "]", heartbeat.getLoaded(i));
        }
        return c.first();
    }

    public static Optional<Violation> runnerEvent(RunnerEvent event) {
        Checks c = new Checks();
        c.modelId("model_id", event.getModelId());
        if (event.hasLoaded()) {
            loadReport(c, "loaded", event.getLoaded());
        } else if (event.hasCrashed()) {
            RunnerCrash crash = event.getCrashed();
            c.text("crashed.reason", crash.getReason(), MAX_TEXT_LENGTH);
            c.range("crashed.jobs_in_flight", crash.getJobsInFlight(), 0, MAX_SLOTS);
            c.texts("crashed.last_log_lines", crash.getLastLogLinesList(), MAX_LIST, MAX_TEXT_LENGTH);
        } else {
            c.fail("event", "missing", "is neither loaded nor crashed");
        }
        return c.first();
    }

    private static void gpu(Checks c, String at, Gpu gpu) {
        c.range(at + ".index", gpu.getIndex(), 0, 255);
        c.text(at + ".name", gpu.getName(), MAX_NAME_LENGTH);
        c.text(at + ".uuid", gpu.getUuid(), MAX_NAME_LENGTH);
        c.text(at + ".driver", gpu.getDriver(), MAX_NAME_LENGTH);
        c.range(at + ".total_bytes", gpu.getTotalBytes(), 0, MAX_VRAM_BYTES);
        c.range(at + ".free_bytes", gpu.getFreeBytes(), 0, MAX_VRAM_BYTES);
        c.range(at + ".used_bytes", gpu.getUsedBytes(), 0, MAX_VRAM_BYTES);
        c.range(at + ".bandwidth_gbps", gpu.getBandwidthGbps(), 0, MAX_BANDWIDTH_GBPS);
    }

    private static void model(Checks c, String at, LocalModel m) {
        c.modelId(at + ".model_id", m.getModelId());
        c.text(at + ".file_name", m.getFileName(), MAX_NAME_LENGTH);
        c.text(at + ".architecture", m.getArchitecture(), MAX_NAME_LENGTH);
        c.text(at + ".file_type", m.getFileType(), MAX_NAME_LENGTH);
        c.range(at + ".size_bytes", m.getSizeBytes(), 0, MAX_BYTES);
        c.range(at + ".block_count", m.getBlockCount(), 0, MAX_LAYERS);
        c.range(at + ".context_length", m.getContextLength(), 0, MAX_CONTEXT);
        c.count(at + ".layer_bytes", m.getLayerBytesCount(), MAX_LAYERS);
        for (int i = 0; i < m.getLayerBytesCount() && c.ok(); i++) {
            c.range(at + ".layer_bytes[" + i + "]", m.getLayerBytes(i), 0, MAX_BYTES);
        }
        c.range(at + ".non_layer_bytes", m.getNonLayerBytes(), 0, MAX_BYTES);
        if (c.ok() && m.hasGeometry()) {
            geometry(c, at + ".geometry", m.getGeometry());
        }
    }

    private static void geometry(Checks c, String at, ModelGeometry g) {
        c.text(at + ".name", g.getName(), MAX_NAME_LENGTH);
        c.text(at + ".architecture", g.getArchitecture(), MAX_NAME_LENGTH);
        c.range(at + ".layers", g.getLayers(), 0, MAX_LAYERS);
        c.range(at + ".embedding", g.getEmbedding(), 0, MAX_DIMENSION);
        c.range(at + ".vocabulary", g.getVocabulary(), 0, MAX_DIMENSION);
        c.range(at + ".key_length", g.getKeyLength(), 0, MAX_DIMENSION);
        c.range(at + ".value_length", g.getValueLength(), 0, MAX_DIMENSION);
        c.range(at + ".sliding_window", g.getSlidingWindow(), 0, MAX_CONTEXT);
        c.range(at + ".trained_context", g.getTrainedContext(), 0, MAX_CONTEXT);
        perLayer(c, at + ".heads", g.getHeadsList());
        perLayer(c, at + ".kv_heads", g.getKvHeadsList());
        perLayer(c, at + ".feed_forward", g.getFeedForwardList());
        c.count(at + ".tensors", g.getTensorsCount(), MAX_TENSORS);
        for (int i = 0; i < g.getTensorsCount() && c.ok(); i++) {
            TensorEntry t = g.getTensors(i);
            String ta = at + ".tensors[" + i + "]";
            c.text(ta + ".name", t.getName(), MAX_NAME_LENGTH);
            c.range(ta + ".ggml_type", t.getGgmlType(), 0, 255);
            c.count(ta + ".dims", t.getDimsCount(), MAX_TENSOR_DIMS);
            for (int d = 0; d < t.getDimsCount() && c.ok(); d++) {
                c.range(ta + ".dims[" + d + "]", t.getDims(d), 0, MAX_BYTES);
            }
            c.range(ta + ".bytes", t.getBytes(), 0, MAX_BYTES);
            c.range(ta + ".layer", t.getLayer(), -1, MAX_LAYERS - 1);
            c.range(ta + ".offset", t.getOffset(), 0, MAX_BYTES);
            c.range(ta + ".file", t.getFile(), 0, MAX_LAYERS);
        }
    }

    private static void perLayer(Checks c, String at, List<Integer> values) {
        c.count(at, values.size(), MAX_LAYERS);
        for (int i = 0; i < values.size() && c.ok(); i++) {
            c.range(at + "[" + i + "]", values.get(i), 0, MAX_DIMENSION);
        }
    }

    private static void backend(Checks c, String at, Backend b) {
        c.text(at + ".kind", b.getKind(), MAX_NAME_LENGTH);
        c.text(at + ".library", b.getLibrary(), MAX_NAME_LENGTH);
        c.text(at + ".llama_cpp_build", b.getLlamaCppBuild(), MAX_NAME_LENGTH);
        c.text(at + ".cuda_runtime", b.getCudaRuntime(), MAX_NAME_LENGTH);
        c.text(at + ".driver_version", b.getDriverVersion(), MAX_NAME_LENGTH);
        c.text(at + ".driver_cuda", b.getDriverCuda(), MAX_NAME_LENGTH);
        c.text(at + ".cpu_only_reason", b.getCpuOnlyReason(), MAX_TEXT_LENGTH);
        c.range(at + ".probe_layers_offloaded", b.getProbeLayersOffloaded(), 0, MAX_LAYERS);
        c.range(at + ".probe_layers_total", b.getProbeLayersTotal(), 0, MAX_LAYERS);
        devices(c, at + ".devices", b.getDevicesList());
        c.count(at + ".attempts", b.getAttemptsCount(), MAX_LIST);
        for (int i = 0; i < b.getAttemptsCount() && c.ok(); i++) {
            BackendAttempt a = b.getAttempts(i);
            c.text(at + ".attempts[" + i + "].library", a.getLibrary(), MAX_NAME_LENGTH);
            c.text(at + ".attempts[" + i + "].outcome", a.getOutcome(), MAX_TEXT_LENGTH);
        }
    }

    /** An engine lists at most the architectures a llama.cpp knows (about 150 today), with room to grow. */
    private static void engine(Checks c, String at, Engine e) {
        c.text(at + ".kind", e.getKind(), MAX_NAME_LENGTH);
        c.text(at + ".llama_cpp_build", e.getLlamaCppBuild(), MAX_NAME_LENGTH);
        c.texts(at + ".backends", e.getBackendsList(), MAX_LIST, MAX_NAME_LENGTH);
        c.texts(at + ".architectures", e.getArchitecturesList(), MAX_ARCHITECTURES, MAX_NAME_LENGTH);
        c.text(at + ".source", e.getSource(), MAX_TEXT_LENGTH);
        c.text(at + ".unusable_reason", e.getUnusableReason(), MAX_TEXT_LENGTH);
    }

    private static void devices(Checks c, String at, List<GpuDevice> devices) {
        c.count(at, devices.size(), MAX_GPUS);
        for (int i = 0; i < devices.size() && c.ok(); i++) {
            GpuDevice d = devices.get(i);
            c.text(at + "[" + i + "].id", d.getId(), MAX_NAME_LENGTH);
            c.text(at + "[" + i + "].name", d.getName(), MAX_NAME_LENGTH);
            c.text(at + "[" + i + "].compute_capability", d.getComputeCapability(), MAX_NAME_LENGTH);
            c.range(at + "[" + i + "].total_bytes", d.getTotalBytes(), 0, MAX_VRAM_BYTES);
            c.range(at + "[" + i + "].free_bytes", d.getFreeBytes(), 0, MAX_VRAM_BYTES);
        }
    }

    private static void loaded(Checks c, String at, LoadedModel l) {
        c.modelId(at + ".model_id", l.getModelId());
        c.range(at + ".slots_total", l.getSlotsTotal(), 0, MAX_SLOTS);
        c.range(at + ".slots_busy", l.getSlotsBusy(), 0, MAX_SLOTS);
        c.range(at + ".decode_tps", l.getDecodeTps(), 0, MAX_DECODE_TPS);
        c.range(at + ".load_progress", l.getLoadProgress(), 0, 1);
        c.text(at + ".error", l.getError(), MAX_TEXT_LENGTH);
        c.range(at + ".n_gpu_layers", l.getNGpuLayers(), -1, MAX_LAYERS + 1);
        c.range(at + ".n_ctx", l.getNCtx(), 0, MAX_CONTEXT);
        if (c.ok() && l.hasLoadReport()) {
            loadReport(c, at + ".load_report", l.getLoadReport());
        }
    }

    private static void loadReport(Checks c, String at, RunnerLoadReport r) {
        c.text(at + ".model_path", r.getModelPath(), MAX_TEXT_LENGTH);
        // llama.cpp users ask for "all layers" with a large number (-ngl 999); the plan never sends more than 1025.
        c.range(at + ".n_gpu_layers_requested", r.getNGpuLayersRequested(), -1, 100_000);
        c.range(at + ".layers_offloaded", r.getLayersOffloaded(), 0, MAX_LAYERS + 1);
        c.range(at + ".layers_total", r.getLayersTotal(), 0, MAX_LAYERS + 1);
        c.range(at + ".load_ms", r.getLoadMs(), 0, MAX_LOAD_MS);
        c.range(at + ".n_ctx", r.getNCtx(), 0, MAX_CONTEXT);
        c.range(at + ".parallel_slots", r.getParallelSlots(), 0, MAX_SLOTS);
        c.range(at + ".n_batch", r.getNBatch(), 0, MAX_CONTEXT);
        c.range(at + ".n_ubatch", r.getNUbatch(), 0, MAX_CONTEXT);
        c.text(at + ".llama_cpp_build", r.getLlamaCppBuild(), MAX_NAME_LENGTH);
        c.text(at + ".cache_type_k", r.getCacheTypeK(), MAX_NAME_LENGTH);
        c.text(at + ".cache_type_v", r.getCacheTypeV(), MAX_NAME_LENGTH);
        c.text(at + ".gpu_init_error", r.getGpuInitError(), MAX_TEXT_LENGTH);
        c.text(at + ".native_library", r.getNativeLibrary(), MAX_TEXT_LENGTH);
        c.texts(at + ".warnings", r.getWarningsList(), MAX_LIST, MAX_TEXT_LENGTH);
        c.count(at + ".buffers", r.getBuffersCount(), MAX_LIST);
        for (int i = 0; i < r.getBuffersCount() && c.ok(); i++) {
            DeviceBuffer b = r.getBuffers(i);
            c.text(at + ".buffers[" + i + "].device", b.getDevice(), MAX_NAME_LENGTH);
            c.range(at + ".buffers[" + i + "].bytes", b.getBytes(), 0, MAX_BYTES);
        }
        devices(c, at + ".devices", r.getDevicesList());
    }

    /** Collects the first violation; later checks do nothing once one failed. */
    private static final class Checks {

        private Violation first;

        boolean ok() {
            return first == null;
        }

        Optional<Violation> first() {
            return Optional.ofNullable(first);
        }

        void fail(String field, String rule, String detail) {
            if (first == null) {
                first = new Violation(field, rule, detail);
            }
        }

        void range(String field, long value, long min, long max) {
            if (ok() && (value < min || value > max)) {
                fail(field, "out_of_range", "is " + value + ", outside " + min + ".." + max);
            }
        }

        void range(String field, double value, double min, double max) {
            if (ok() && !(value >= min && value <= max)) {
                fail(field, "out_of_range", "is " + value + ", outside " + min + ".." + max);
            }
        }

        void count(String field, int count, int max) {
            if (ok() && count > max) {
                fail(field, "too_many", "has " + count + " entries, more than " + max);
            }
        }

        void text(String field, String value, int maxLength) {
            if (ok() && value.length() > maxLength) {
                fail(field, "too_long", "has " + value.length() + " characters, more than " + maxLength);
            }
        }

        void texts(String field, List<String> values, int maxCount, int maxLength) {
            count(field, values.size(), maxCount);
            for (int i = 0; i < values.size() && ok(); i++) {
                text(field + "[" + i + "]", values.get(i), maxLength);
            }
        }

        void modelId(String field, String value) {
            if (ok() && !Topics.isValidModelId(value)) {
                fail(field, "bad_model_id", "is not a model id (" + Topics.MAX_MODEL_ID_LENGTH
                        + " characters at most of [a-z0-9._-], starting with a letter or digit)");
            }
        }

        void nodeId(String field, String value) {
            if (!ok()) {
                return;
            }
            if (value.isEmpty() || value.length() > MAX_ID_LENGTH || !NODE_ID.matcher(value).matches()) {
                fail(field, "bad_node_id", "is not a node id (1 to " + MAX_ID_LENGTH
                        + " characters of [A-Za-z0-9._:-], starting with a letter or digit)");
            }
        }
    }
}
