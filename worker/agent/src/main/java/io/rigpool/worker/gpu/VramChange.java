package io.rigpool.worker.gpu;

import io.rigpool.common.sizes.ByteSizes;
import io.rigpool.proto.v1.Gpu;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the GPUs changed enough since the planner last heard of them to tell it at once: a GPU appeared
 * or went away, or one's free memory moved by at least the threshold (the owner started or quit a game). Smaller
 * moves wait for the next regular heartbeat.
 */
public final class VramChange {

    private VramChange() {
    }

    /** Why the change matters, in words; empty when it does not. */
    public static Optional<String> significant(List<Gpu> reported, List<Gpu> now, long thresholdBytes) {
        if (reported.size() != now.size()) {
            return Optional.of("GPU count changed from " + reported.size() + " to " + now.size());
        }
        for (int i = 0; i < now.size(); i++) {
            Gpu before = reported.get(i);
            Gpu after = now.get(i);
            if (!before.getUuid().equals(after.getUuid()) || !before.getName().equals(after.getName())) {
                return Optional.of("GPU " + i + " is now " + after.getName());
            }
            long moved = after.getFreeBytes() - before.getFreeBytes();
            if (Math.abs(moved) >= thresholdBytes) {
                return Optional.of("free VRAM of GPU " + i + " (" + after.getName() + ") went from "
                        + ByteSizes.mib(before.getFreeBytes()) + " to " + ByteSizes.mib(after.getFreeBytes()));
            }
        }
        return Optional.empty();
    }
}
