package io.rigpool.planner.estimate;

/** Where memory is taken: the GPU's VRAM or the host's RAM. */
public enum Device {
    GPU,
    CPU
}
