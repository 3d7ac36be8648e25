package io.rigpool.planner.estimate.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random allocate/free sequences against a brute-force oracle of the live ranges. Seed printed on failure. */
class DynamicAllocatorTest {

    private record Range(long offset, long size) {
    }

    @Test
    void neverOverlapsLiveTensorsAndReportsTheHighestEnd() {
        long seed = Long.getLong("allocator.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            DynamicAllocator allocator = new DynamicAllocator(32);
            List<Range> live = new ArrayList<>();
            long highest = 0;
            for (int step = 0; step < 300; step++) {
                if (!live.isEmpty() && random.nextInt(3) == 0) {
                    Range r = live.remove(random.nextInt(live.size()));
                    allocator.free(r.offset(), r.size());
                    continue;
                }
                long size = 1 + random.nextLong(1 << random.nextInt(1, 20));
                long offset = allocator.allocate(size);
                long aligned = (size + 31) / 32 * 32;
                if (offset % 32 != 0) {
                    fail("seed " + seed + ": unaligned offset " + offset);
                }
                for (Range r : live) {
                    if (offset < r.offset() + align(r.size()) && r.offset() < offset + aligned) {
                        fail("seed " + seed + ", round " + round + ": [" + offset + "+" + aligned + ") overlaps " + r);
                    }
                }
                live.add(new Range(offset, size));
                highest = Math.max(highest, offset + aligned);
                assertEquals(highest, allocator.maxSize(), "seed " + seed);
            }
        }
    }

    @Test
    void reusesTheBestFittingHoleBeforeGrowing() {
        DynamicAllocator a = new DynamicAllocator(32);
        long first = a.allocate(1000);
        long second = a.allocate(100);
        a.allocate(64);
        a.free(first, 1000);
        a.free(second, 100);
        assertEquals(0, a.allocate(1100), "merged neighbours form one block");
        assertEquals(1024 + 128 + 64, a.maxSize());
    }

    private static long align(long size) {
        return (size + 31) / 32 * 32;
    }
}
