package io.rigpool.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativesFolderTest {

    @Test
    void foldersAreListedNewestCudaFirstAndTheManifestHasTheLastWord(@TempDir Path natives) throws Exception {
        Files.createDirectories(natives.resolve("cuda-12"));
        Files.createDirectories(natives.resolve("cuda-13"));
        Files.createDirectories(natives.resolve("cpu"));
        Files.writeString(natives.resolve("cuda-12/manifest.json"),
                "{\"cuda_version\": \"12.8\", \"llama_cpp_build\": \"4980 (0a1b2c3d)\", \"architectures\": [75]}");

        List<NativesFolder> folders = NativesFolder.under(natives);

        assertEquals(List.of("cuda-13", "cuda-12"), folders.stream().map(f -> f.path().getFileName().toString())
                .toList());
        assertEquals(CudaVersion.parse("13.0"), folders.get(0).cudaVersion());
        assertEquals(CudaVersion.parse("12.8"), folders.get(1).cudaVersion());
        assertEquals("4980 (0a1b2c3d)", folders.get(1).llamaCppBuild());
        assertEquals(natives.getFileName() + "/cuda-13", folders.get(0).label());
    }

    @Test
    void aMissingFolderHasNoCandidates(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), NativesFolder.under(dir.resolve("natives")));
    }

    @Test
    void theDriverBannerGivesItsVersionAndItsCuda() {
        String banner = """
                +-----------------------------------------------------------------------------------------+
                | NVIDIA-SMI 580.65.06              Driver Version: 580.65.06      CUDA Version: 13.0     |
                |-----------------------------------------+------------------------+----------------------+""";

        assertEquals(Optional.of(new NvidiaDriver("580.65.06", new CudaVersion(13, 0))), NvidiaDriver.parse(banner));
        assertEquals(Optional.empty(), NvidiaDriver.parse("NVIDIA-SMI has failed because it couldn't communicate"));
        assertEquals(true, new CudaVersion(13, 0).runs(new CudaVersion(12, 4)));
        assertEquals(false, new CudaVersion(12, 4).runs(new CudaVersion(13, 0)));
        assertEquals(true, new CudaVersion(12, 4).runs(new CudaVersion(12, 8)), "minor version compatibility");
    }
}
