package io.rigpool.planner.estimate.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * ggml_dyn_tallocr: a measuring allocator over an unbounded address range. Free blocks are kept sorted by offset
 * and merged with their neighbours; an allocation takes the smallest block that fits among all but the last, and
 * the last (open-ended) block only when none does. The buffer size is the highest end offset ever handed out.
 */
final class DynamicAllocator {

    private static final long UNBOUNDED = Long.MAX_VALUE / 4;

    private record Block(long offset, long size) {
    }

    private final long alignment;
    private final List<Block> free = new ArrayList<>();
    private long maxSize;

    DynamicAllocator(long alignment) {
        this.alignment = alignment;
        free.add(new Block(0, UNBOUNDED));
    }

    long allocate(long bytes) {
        long size = align(bytes);
        int best = -1;
        long bestSize = Long.MAX_VALUE;
        for (int i = 0; i < free.size() - 1; i++) {
            Block b = free.get(i);
            if (b.size() >= size && b.size() <= bestSize) {
                best = i;
                bestSize = b.size();
            }
        }
        if (best == -1) {
            best = free.size() - 1;
        }
        Block block = free.get(best);
        long offset = block.offset();
        if (block.size() == size) {
            free.remove(best);
        } else {
            free.set(best, new Block(offset + size, block.size() - size));
        }
        maxSize = Math.max(maxSize, offset + size);
        return offset;
    }

    void free(long offset, long bytes) {
        long size = align(bytes);
        for (int i = 0; i < free.size(); i++) {
            Block b = free.get(i);
            if (b.offset() + b.size() == offset) {
                Block merged = new Block(b.offset(), b.size() + size);
                if (i < free.size() - 1 && merged.offset() + merged.size() == free.get(i + 1).offset()) {
                    merged = new Block(merged.offset(), merged.size() + free.get(i + 1).size());
                    free.remove(i + 1);
                }
                free.set(i, merged);
                return;
            }
            if (offset + size == b.offset()) {
                Block merged = new Block(offset, b.size() + size);
                if (i > 0 && free.get(i - 1).offset() + free.get(i - 1).size() == merged.offset()) {
                    Block previous = free.get(i - 1);
                    free.set(i - 1, new Block(previous.offset(), previous.size() + merged.size()));
                    free.remove(i);
                } else {
                    free.set(i, merged);
                }
                return;
            }
        }
        int at = 0;
        while (at < free.size() && free.get(at).offset() < offset) {
            at++;
        }
        free.add(at, new Block(offset, size));
    }

    long maxSize() {
        return maxSize;
    }

    private long align(long bytes) {
        return (bytes + alignment - 1) / alignment * alignment;
    }
}
