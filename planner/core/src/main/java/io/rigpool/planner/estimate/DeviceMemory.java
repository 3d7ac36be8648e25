package io.rigpool.planner.estimate;

/**
 * The memory one device needs, by purpose.
 *
 * @param weights model weights resident on the device (for memory-mapped CPU weights: the tensors' bytes, which
 *     is what must stay in RAM; llama.cpp's logged mapped range can be larger)
 * @param kvCache K and V cache of the layers on this device
 * @param compute the compute buffer(s) llama.cpp reserves for the worst-case graph
 * @param output the logits buffer (host memory)
 * @param runtime per-process overhead outside llama.cpp's buffers (the CUDA context on a GPU)
 */
public record DeviceMemory(long weights, long kvCache, long compute, long output, long runtime) {

    public static final DeviceMemory NONE = new DeviceMemory(0, 0, 0, 0, 0);

    public long total() {
        return weights + kvCache + compute + output + runtime;
    }
}
