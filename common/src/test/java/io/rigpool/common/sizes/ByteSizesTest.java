package io.rigpool.common.sizes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void parsesBinaryAndDecimalUnits() {
        assertEquals(8L << 30, ByteSizes.parse("8GiB"));
        assertEquals(8L << 30, ByteSizes.parse("8G"));
        assertEquals(8_000_000_000L, ByteSizes.parse("8GB"));
        assertEquals(8_000_000_000L, ByteSizes.parse(" 8 gb "));
        assertEquals(24000L << 20, ByteSizes.parse("24000MiB"));
        assertEquals(1536L << 20, ByteSizes.parse("1.5GiB"));
        assertEquals(17, ByteSizes.parse("17"));
        assertEquals(512L << 20, ByteSizes.parse("512M"), "the planner and the worker read the same text alike");
        assertEquals(0, ByteSizes.parse("0"));
    }

    @Test
    void refusesWhatIsNoSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("eight"));
        assertTrue(e.getMessage().contains("'eight'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("8XB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("-1GB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(null));
    }

    @Test
    void formatsLikeLlamaCpp() {
        assertEquals("280.01 MiB", ByteSizes.format(280L * 1048576 + 10486));
        assertEquals("4.58 GiB", ByteSizes.format(4_912_898_304L));
        assertEquals("12 B", ByteSizes.format(12));
        assertEquals("19.1 GB", ByteSizes.gigabytes(19_100_000_000L));
        assertEquals("2048 MiB", ByteSizes.mib(2L << 30));
    }
}
