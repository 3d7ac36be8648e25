package io.rigpool.planner.estimate;

/**
 * One buffer as llama.cpp names it in its log: {@code <buffer type> <kind> buffer size = ...}.
 *
 * @param bufferType llama.cpp's buffer-type name: "CPU", "CPU_Mapped", "CPU_AARCH64", "CUDA0", "CUDA_Host"
 * @param device which memory it takes
 */
public record Buffer(String bufferType, Device device, BufferKind kind, long bytes) {
}
