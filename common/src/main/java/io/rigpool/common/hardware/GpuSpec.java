package io.rigpool.common.hardware;

/**
 * The figures of a graphics card model that decide how much of an LLM it can hold and how fast it reads it.
 *
 * @param name marketing name, e.g. "GeForce RTX 4090"
 * @param vramBytes memory of the card (for models sold with several sizes, the one this entry describes)
 * @param bandwidthGBps peak memory bandwidth in GB/s (10^9 bytes per second), from the vendor's specification
 */
public record GpuSpec(String name, long vramBytes, double bandwidthGBps) {

    public GpuSpec {
        if (vramBytes <= 0 || bandwidthGBps <= 0) {
            throw new IllegalArgumentException(name + ": VRAM and bandwidth must be positive");
        }
    }

    public double bandwidthBytesPerSecond() {
        return bandwidthGBps * 1e9;
    }
}
