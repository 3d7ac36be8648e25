package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void noPortIsHandedOutTwice() {
        // The kernel readily offers a just-closed port again; a few hundred asks make a repeat very likely.
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            ports.add(FreePorts.find());
        }
        assertEquals(500, ports.size());
    }
}
