package io.rigpool.planner.nodes;

import io.rigpool.planner.models.VramBreakdown;
import io.rigpool.planner.nodes.FleetSnapshot.VramSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One card's VRAM as a stacked bar: each runner's weights, KV cache, compute buffer and CUDA context, then what
 * other processes use (the owner's game and desktop: total − free − what rigpool's runners hold), the reserve,
 * and what is free beyond it. Percentages are of the card's total, or of the segments' sum where rigpool's
 * figures exceed what the driver reports in use, so the bar never overflows.
 */
final class VramBar {

    private static final double GIB = 1L << 30;

    /** What one runner holds on the card. */
    record Held(String modelId, VramBreakdown breakdown) {
    }

    /**
     * @param note what does not add up (rigpool's figures above what the card reports used, free below the
     *     reserve), or null
     */
    record Result(long ourBytes, long otherBytes, List<VramSegment> segments, String note) {
    }

    private VramBar() {
    }

    /**
     * @param reserveBytes the reserve kept free on this card (0 for a card plans do not use)
     */
    static Result of(long totalBytes, long freeBytes, long reserveBytes, List<Held> held) {
        long total = Math.max(0, totalBytes);
        long free = Math.min(Math.max(0, freeBytes), total);
        long ours = held.stream().mapToLong(h -> h.breakdown().totalBytes()).sum();
        long usedByAll = total - free;
        long other = Math.max(0, usedByAll - ours);
        long reserve = Math.min(Math.max(0, reserveBytes), free);
        List<String> notes = new ArrayList<>();
        if (ours > usedByAll) {
            notes.add(String.format(Locale.ROOT, "rigpool's runners are counted at %.2f GiB more than the card"
                    + " reports in use (estimates, or memory still being allocated)", (ours - usedByAll) / GIB));
        }
        if (reserveBytes > free) {
            notes.add(String.format(Locale.ROOT, "free VRAM is %.2f GiB below the reserve", (reserveBytes - free)
                    / GIB));
        }
        List<VramSegment> raw = new ArrayList<>();
        for (Held h : held) {
            VramBreakdown b = h.breakdown();
            add(raw, "weights", h.modelId(), b.basis(), b.weightsBytes());
            add(raw, "kv_cache", h.modelId(), b.basis(), b.kvCacheBytes());
            add(raw, "compute", h.modelId(), b.basis(), b.computeBytes());
            add(raw, "kv_cache_and_compute", h.modelId(), b.basis(), b.unsplitBytes());
            add(raw, "cuda_context", h.modelId(), b.basis(), b.runtimeBytes());
        }
        add(raw, "other_processes", null, null, other);
        add(raw, "reserve", null, null, reserve);
        add(raw, "free", null, null, free - reserve);
        double scale = Math.max(total, raw.stream().mapToLong(VramSegment::bytes).sum());
        List<VramSegment> segments = raw.stream().map(s -> new VramSegment(s.kind(), s.modelId(), s.basis(),
                s.bytes(), scale <= 0 ? 0 : Math.round(s.bytes() * 10_000.0 / scale) / 100.0)).toList();
        return new Result(ours, other, segments, notes.isEmpty() ? null : String.join("; ", notes));
    }

    private static void add(List<VramSegment> segments, String kind, String model, String basis,
            long bytes) {
        if (bytes > 0) {
            segments.add(new VramSegment(kind, model, basis, bytes, 0));
        }
    }
}
