package io.rigpool.runner;

import io.rigpool.proto.v1.BufferKind;
import io.rigpool.proto.v1.DeviceBuffer;
import io.rigpool.proto.v1.GpuDevice;
import java.util.List;
import java.util.Optional;

/**
 * What llama.cpp's own log says about one model load: the buffers it allocated per device, how many layers went
 * to the GPU, whether a GPU backend was there at all, and any errors.
 *
 * @param buffers           every "... buffer size = X MiB" line, in log order
 * @param layersOffloaded   N of "offloaded N/M layers to GPU"; 0 when the line is missing (CPU-only library)
 * @param layersTotal       M of that line; 0 when it is missing
 * @param gpuDevices        devices of "using device CUDA0 (...)" lines: the GPUs the library could use
 * @param gpuBackendPresent a GPU device was listed and no "no usable GPU found" warning was seen
 * @param build             "4916 (c6af2161)" from the "build:" line, empty when missing
 * @param warnings          warning lines, as logged
 * @param errors            error lines, as logged
 * @param cudaDevices       the CUDA devices ggml_cuda_init listed (name, compute capability; free VRAM from the
 *                          "using device" line where there is one)
 * @param gpuInitError      why the CUDA backend did not come up, as llama.cpp said it; empty when it did or was absent
 */
public record LlamaLoadLog(List<DeviceBuffer> buffers, int layersOffloaded, int layersTotal, List<String> gpuDevices,
        boolean gpuBackendPresent, String build, List<String> warnings, List<String> errors,
        List<GpuDevice> cudaDevices, String gpuInitError) {

    private static final String LOAD_ERROR_MARK = "error loading model: ";

    public LlamaLoadLog {
        buffers = List.copyOf(buffers);
        gpuDevices = List.copyOf(gpuDevices);
        warnings = List.copyOf(warnings);
        errors = List.copyOf(errors);
        cudaDevices = List.copyOf(cudaDevices);
    }

    /** Sum of the buffers of one kind on devices whose name starts with the prefix ("CPU", "CUDA0", ...). */
    public long bytes(BufferKind kind, String devicePrefix) {
        long sum = 0;
        for (DeviceBuffer b : buffers) {
            if (b.getKind() == kind && b.getDevice().startsWith(devicePrefix)) {
                sum += b.getBytes();
            }
        }
        return sum;
    }

    /**
     * The most specific error llama.cpp logged: the text after "error loading model:" when there is one (it names
     * the missing key or tensor), otherwise the first error line.
     */
    public Optional<String> loadError() {
        for (String line : errors) {
            int at = line.indexOf(LOAD_ERROR_MARK);
            if (at >= 0) {
                return Optional.of(line.substring(at + LOAD_ERROR_MARK.length()).trim());
            }
        }
        return errors.stream().findFirst();
    }
}
