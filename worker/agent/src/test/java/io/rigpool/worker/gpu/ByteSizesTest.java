package io.rigpool.worker.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void readsBinaryAndDecimalUnits() {
        assertEquals(2L << 30, ByteSizes.parse("2GiB"));
        assertEquals(256L << 20, ByteSizes.parse("256 MiB"));
        assertEquals(1536L << 20, ByteSizes.parse("1.5gib"));
        assertEquals(8_000_000_000L, ByteSizes.parse("8GB"));
        assertEquals(0, ByteSizes.parse("0"));
    }

    @Test
    void somethingElseIsRefusedWithTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("lots"));
        assertEquals("'lots' is not a size such as 8GiB or 9000MiB", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("-1GiB"));
    }
}
