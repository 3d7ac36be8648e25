package io.rigpool.planner.placement.simulation;

import io.rigpool.common.hardware.GpuSpec;

/**
 * A simulated gaming PC.
 *
 * @param card its graphics card (VRAM, bandwidth) from {@link io.rigpool.common.hardware.RtxCards}
 * @param desktopVramBytes VRAM the owner's desktop and background apps hold (what a live free-VRAM reading
 *     already excludes)
 * @param ramBytes installed RAM
 * @param cpuBandwidthGBps host memory bandwidth (dual-channel DDR4 about 40-50, DDR5 about 60-90)
 */
public record GamingPc(String name, GpuSpec card, long desktopVramBytes, long ramBytes, double cpuBandwidthGBps) {

    /** VRAM free for rigpool: the card less what the desktop holds. */
    public long freeVramBytes() {
        return card.vramBytes() - desktopVramBytes;
    }
}
