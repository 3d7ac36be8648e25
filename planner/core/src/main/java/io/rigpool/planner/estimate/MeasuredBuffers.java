package io.rigpool.planner.estimate;

import java.time.Instant;
import java.util.List;

/**
 * The buffers a runner reported after a real load of one model with one set of parameters: what the planner stores
 * per {@link Key} and uses instead of the estimate from then on ({@link MemoryEstimate#withMeasured}).
 *
 * @param llamaCppBuild the build that measured them (buffers change between builds)
 */
public record MeasuredBuffers(Key key, List<Buffer> buffers, String llamaCppBuild, Instant measuredAt) {

    /** A model id (see io.rigpool.common.topics.Topics#modelIdOf) and the parameters it was loaded with. */
    public record Key(String modelId, LoadParameters parameters) {
    }

    public MeasuredBuffers {
        buffers = List.copyOf(buffers);
    }

    public boolean covers(Device device, BufferKind kind) {
        return buffers.stream().anyMatch(b -> b.device() == device && b.kind() == kind);
    }

    public long bytes(Device device, BufferKind kind) {
        return buffers.stream().filter(b -> b.device() == device && b.kind() == kind).mapToLong(Buffer::bytes).sum();
    }

    /** The device a llama.cpp buffer-type name lives on: CUDA/ROCm/Vulkan device buffers are VRAM, hosts RAM. */
    public static Device deviceOf(String bufferType) {
        boolean host = bufferType.startsWith("CPU") || bufferType.endsWith("_Host");
        return host ? Device.CPU : Device.GPU;
    }
}
