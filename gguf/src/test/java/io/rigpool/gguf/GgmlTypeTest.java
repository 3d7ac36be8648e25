package io.rigpool.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GgmlTypeTest {

    /** id -> {block size, bytes per block}: type_traits of ggml.c in llama.cpp b4916 (sizes of the block structs). */
    private static final Map<Integer, int[]> B4916 = Map.ofEntries(
            Map.entry(0, new int[] {1, 4}), Map.entry(1, new int[] {1, 2}), Map.entry(2, new int[] {32, 18}),
            Map.entry(3, new int[] {32, 20}), Map.entry(6, new int[] {32, 22}), Map.entry(7, new int[] {32, 24}),
            Map.entry(8, new int[] {32, 34}), Map.entry(9, new int[] {32, 36}), Map.entry(10, new int[] {256, 84}),
            Map.entry(11, new int[] {256, 110}), Map.entry(12, new int[] {256, 144}),
            Map.entry(13, new int[] {256, 176}), Map.entry(14, new int[] {256, 210}),
            Map.entry(15, new int[] {256, 292}), Map.entry(16, new int[] {256, 66}),
            Map.entry(17, new int[] {256, 74}), Map.entry(18, new int[] {256, 98}), Map.entry(19, new int[] {256, 50}),
            Map.entry(20, new int[] {32, 18}), Map.entry(21, new int[] {256, 110}), Map.entry(22, new int[] {256, 82}),
            Map.entry(23, new int[] {256, 136}), Map.entry(24, new int[] {1, 1}), Map.entry(25, new int[] {1, 2}),
            Map.entry(26, new int[] {1, 4}), Map.entry(27, new int[] {1, 8}), Map.entry(28, new int[] {1, 8}),
            Map.entry(29, new int[] {256, 56}), Map.entry(30, new int[] {1, 2}), Map.entry(34, new int[] {256, 54}),
            Map.entry(35, new int[] {256, 66}),
            // Not in b4916: ggml-common.h's block_mxfp4 of the builds that load gpt-oss.
            Map.entry(39, new int[] {32, 17}));

    @Test
    void everyKnownTypeHasItsBlockGeometry() {
        for (int id = 0; id < 64; id++) {
            int[] expected = B4916.get(id);
            var type = GgmlType.byId(id);
            if (expected == null) {
                assertTrue(type.isEmpty(), "id " + id + " was removed from ggml and must be refused");
                continue;
            }
            assertEquals(expected[0], type.orElseThrow().blockSize(), "block size of id " + id);
            assertEquals(expected[1], type.orElseThrow().typeSize(), "type size of id " + id);
        }
        assertEquals(B4916.size(), GgmlType.values().length);
    }

    @Test
    void rowBytesFollowGgmlRowSize() {
        assertEquals(4096 / 256 * 144, GgmlType.Q4_K.rowBytes(4096));
        assertEquals(3584 / 32 * 34, GgmlType.Q8_0.rowBytes(3584));
        assertEquals(4.5, GgmlType.Q4_K.rowBytes(256) * 8.0 / 256);
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.rowBytes(100));
    }

    @Test
    void outOfRangeIdsAreRefused() {
        assertTrue(GgmlType.byId(-1).isEmpty());
        assertTrue(GgmlType.byId(40).isEmpty());
        assertTrue(GgmlType.byId(1L << 40).isEmpty());
    }
}
