package io.rigpool.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares the GPU layers a runner was asked for with what llama.cpp's own log says it did, and says so when they
 * differ: a CPU-only library (the bundled java-llama.cpp one) silently runs every layer on the CPU, which is the
 * most common surprise on an owner's PC; a CUDA library may offload fewer layers than asked.
 */
final class OffloadCheck {

    private OffloadCheck() {
    }

    /** Warnings for the load report; empty when the GPU got what was asked (or nothing was asked). */
    static List<String> warnings(int gpuLayersRequested, LlamaLoadLog log) {
        List<String> warnings = new ArrayList<>();
        if (gpuLayersRequested <= 0) {
            return warnings;
        }
        if (!log.gpuBackendPresent()) {
            warnings.add(gpuLayersRequested + " layers were assigned to the GPU, but the llama.cpp library in use has"
                    + " no usable GPU backend: every layer runs on the CPU (build java-llama.cpp with CUDA and set"
                    + " rigpool.worker.runner.native-library-path)");
        } else if (log.layersTotal() == 0) {
            warnings.add(gpuLayersRequested + " layers were assigned to the GPU, but llama.cpp's log does not say how"
                    + " many it offloaded");
        } else if (log.layersOffloaded() < Math.min(gpuLayersRequested, log.layersTotal())) {
            warnings.add("asked for " + gpuLayersRequested + " GPU layers, llama.cpp offloaded "
                    + log.layersOffloaded() + "/" + log.layersTotal());
        }
        return warnings;
    }
}
