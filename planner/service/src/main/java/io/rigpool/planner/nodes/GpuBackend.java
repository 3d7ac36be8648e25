package io.rigpool.planner.nodes;

import io.rigpool.proto.v1.Backend;
import io.rigpool.proto.v1.WorkerHello;

/**
 * The one rule for whether a node may get GPU layers: its worker proved a GPU backend with a probe load
 * ({@code backend.gpu_proven} for java-llama, an engine's {@code backends} for each engine). A configured library
 * path, {@code gpu_offload_supported} alone, or a worker too old to send a backend prove nothing: java-llama.cpp
 * falls back to its CPU library without a word, and GPU layers assigned there would all run on the CPU while their
 * RAM went uncounted. Which engine may use the GPU is the optimiser's to say per model (NodeEngine.gpuProven).
 */
final class GpuBackend {

    private GpuBackend() {
    }

    /** GPU layers allowed: a proven backend and a card to put them on. */
    static boolean capable(WorkerHello hello) {
        return proven(hello) && hello.getGpusCount() > 0;
    }

    static boolean proven(WorkerHello hello) {
        return backendProven(hello) || NodeEngines.anyGpuProven(hello);
    }

    /** java-llama's probe: the runner's JNI library offloaded its layers to a device. */
    static boolean backendProven(WorkerHello hello) {
        return hello.hasBackend() && hello.getBackend().getGpuProven();
    }

    /** Identifies the llama.cpp library a node runs (where from, which build, which CUDA), for layer caps. */
    static String key(WorkerHello hello) {
        Backend b = hello.getBackend();
        return b.getLibrary() + " | " + b.getLlamaCppBuild() + " | " + b.getCudaRuntime();
    }

    /** Why the node runs on the CPU only, in the node's words where it gave them; "" when it need not. */
    static String cpuOnlyReason(WorkerHello hello) {
        if (capable(hello)) {
            return "";
        }
        if (!hello.hasBackend()) {
            return hello.getGpusCount() == 0 ? "no GPU"
                    : "its worker proved no GPU backend (it sends no backend probe: an older worker)";
        }
        Backend backend = hello.getBackend();
        if (!backend.getCpuOnlyReason().isBlank()) {
            return backend.getCpuOnlyReason();
        }
        if (backend.getGpuProven()) {
            return "the worker reports no GPU to plan on";
        }
        String library = backend.getLibrary().isBlank() ? "its llama.cpp library" : backend.getLibrary();
        return library + " has no proven GPU backend";
    }
}
