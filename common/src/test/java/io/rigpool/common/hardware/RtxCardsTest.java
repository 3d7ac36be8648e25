package io.rigpool.common.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RtxCardsTest {

    private static final long GIB = 1L << 30;

    @Test
    void matchesNvidiaSmiNames() {
        assertEquals("GeForce RTX 4090", RtxCards.byName("NVIDIA GeForce RTX 4090").orElseThrow().name());
        assertEquals(1008, RtxCards.byName("NVIDIA GeForce RTX 4090").orElseThrow().bandwidthGBps());
        assertEquals("GeForce RTX 4070 Ti Super",
                RtxCards.byName("NVIDIA GeForce RTX 4070 Ti SUPER").orElseThrow().name());
        assertEquals("GeForce RTX 3060 Ti", RtxCards.byName("rtx3060ti").orElseThrow().name());
    }

    @Test
    void suffixesAreNotConfusedWithTheBaseModel() {
        assertEquals(504, RtxCards.byName("RTX 4070").orElseThrow().bandwidthGBps());
        assertEquals(672, RtxCards.byName("RTX 4070 Ti Super").orElseThrow().bandwidthGBps());
        assertEquals(736, RtxCards.byName("GeForce RTX 4080 SUPER").orElseThrow().bandwidthGBps());
    }

    @Test
    void reportedVramPicksTheMemoryVariant() {
        assertEquals(8 * GIB, RtxCards.byName("NVIDIA GeForce RTX 3060", (long) (7.8 * GIB)).orElseThrow().vramBytes());
        assertEquals(12 * GIB, RtxCards.byName("NVIDIA GeForce RTX 3060", (long) (11.7 * GIB)).orElseThrow().vramBytes());
        assertEquals(16 * GIB, RtxCards.byName("NVIDIA GeForce RTX 4060 Ti 16GB", 16 * GIB).orElseThrow().vramBytes());
    }

    @Test
    void unknownAndLaptopNamesAreNotMatched() {
        assertTrue(RtxCards.byName("NVIDIA GeForce GTX 1080").isEmpty());
        assertTrue(RtxCards.byName("NVIDIA GeForce RTX 4090 Laptop GPU").isEmpty());
        assertTrue(RtxCards.byName("AMD Radeon RX 7900 XTX").isEmpty());
        assertTrue(RtxCards.byName("RTX 9999").isEmpty());
    }

    @Test
    void everyEntryIsDistinctAndPlausible() {
        Set<String> seen = new HashSet<>();
        for (GpuSpec card : RtxCards.all()) {
            assertTrue(seen.add(card.name() + "/" + card.vramBytes()), "duplicate " + card);
            assertTrue(card.vramBytes() >= 6 * GIB && card.vramBytes() <= 32 * GIB, card.toString());
            assertTrue(card.bandwidthGBps() >= 200 && card.bandwidthGBps() <= 2000, card.toString());
            assertEquals(card, RtxCards.byName(card.name(), card.vramBytes()).orElseThrow(), card.name());
        }
    }
}
