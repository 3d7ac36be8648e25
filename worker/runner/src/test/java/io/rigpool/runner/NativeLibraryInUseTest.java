package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeLibraryInUseTest {

    @Test
    void findsTheJniLibraryAmongTheMappedFiles() {
        List<String> maps = List.of(
                "7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 ",
                "7f1c2b000000-7f1c2b200000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
                "7f1c2c000000-7f1c2c800000 r-xp 00000000 08:01 456 /opt/rigpool/natives/cuda-13/libjllama.so",
                "7ffd1000-7ffd2000 r--p 00000000 00:00 0 [vvar]");

        assertEquals(Optional.of("/opt/rigpool/natives/cuda-13/libjllama.so"), NativeLibraryInUse.inMaps(maps));
        assertEquals(Optional.empty(), NativeLibraryInUse.inMaps(maps.subList(0, 2)));
    }
}
