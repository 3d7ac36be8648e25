package io.rigpool.bench.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What llama.cpp's log says about the GPU backend beyond the runner's load report: the CUDA devices ggml found
 * ({@code   Device 0: NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: yes}) and the warning a CPU-only library
 * prints when asked for GPU layers. The runner's report carries buffers, offloaded layers and whether a GPU backend
 * came up; these lines name the card for the results file.
 */
record CudaLogLines(List<String> devices, boolean noUsableGpu, String initError) {

    private static final Pattern DEVICE = Pattern.compile("^\\s*Device \\d+: (.+)$");
    private static final Pattern INIT_ERROR = Pattern.compile("(failed to initialize CUDA: .*|ggml_cuda_init: .*error.*)");

    static CudaLogLines parse(List<String> lines) {
        List<String> devices = new ArrayList<>();
        boolean noGpu = false;
        String initError = "";
        for (String line : lines) {
            Matcher m = DEVICE.matcher(line);
            if (m.find()) {
                devices.add(m.group(1).strip());
            }
            if (line.contains("no usable GPU found")) {
                noGpu = true;
            }
            Matcher e = INIT_ERROR.matcher(line);
            if (e.find() && initError.isEmpty()) {
                initError = e.group(1).strip();
            }
        }
        return new CudaLogLines(List.copyOf(devices), noGpu, initError);
    }
}
