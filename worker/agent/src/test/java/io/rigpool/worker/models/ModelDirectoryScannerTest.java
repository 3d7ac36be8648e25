package io.rigpool.worker.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.tiny.TinyChatModel;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.proto.v1.LocalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryScannerTest {

    @Test
    void describesEachModelAndSkipsFilesThatAreNotModels(@TempDir Path dir) throws Exception {
        Path tiny = TinyChatModel.write(dir.resolve("Tiny Chat-Q8_0.gguf"), TinyChatModel.Spec.standard());
        Path micro = TinyChatModel.write(dir.resolve("micro.gguf"), TinyChatModel.Spec.micro());
        Files.writeString(dir.resolve("broken.gguf"), "GGUF but not really");
        byte[] whole = Files.readAllBytes(micro);
        Files.write(dir.resolve("half-a-header.gguf"), Arrays.copyOf(whole, 40));
        Files.writeString(dir.resolve("notes.txt"), "not a model");
        Files.createDirectory(dir.resolve("sub.gguf"));

        List<LocalModelFile> models = ModelDirectoryScanner.scan(dir);

        assertEquals(List.of("micro", "tiny-chat-q8_0"), models.stream().map(LocalModelFile::modelId).toList());
        LocalModel description = models.get(1).description();
        GgufModel gguf = GgufModel.open(tiny);
        assertEquals(tiny, models.get(1).path());
        assertEquals("Tiny Chat-Q8_0.gguf", description.getFileName());
        assertEquals(Files.size(tiny), description.getSizeBytes());
        assertEquals("llama", description.getArchitecture());
        assertEquals(4, description.getBlockCount());
        assertEquals(4096, description.getContextLength());
        assertEquals("7", description.getFileType(), "general.file_type of Q8_0");
        assertEquals(Arrays.stream(gguf.layerBytes()).boxed().toList(), description.getLayerBytesList());
        assertEquals(gguf.nonLayerBytes(), description.getNonLayerBytes());
        long tensorBytes = gguf.tensors().stream().mapToLong(t -> t.byteSize()).sum();
        assertEquals(tensorBytes, description.getNonLayerBytes()
                + description.getLayerBytesList().stream().mapToLong(Long::longValue).sum());
        // The planner estimates this model from the geometry alone, exactly as if it had read the file.
        assertTrue(GeometryMapping.present(description.getGeometry()));
        LoadParameters load = LoadParameters.defaults(2048).withParallelSlots(2).withGpuLayers(2);
        assertEquals(new MemoryEstimator().estimate(ModelGeometry.of(gguf), load),
                new MemoryEstimator().estimate(GeometryMapping.fromProto(description.getGeometry()), load));
    }

    @Test
    void anEmptyDirectoryOffersNothing(@TempDir Path dir) throws Exception {
        assertTrue(ModelDirectoryScanner.scan(dir).isEmpty());
    }

    @Test
    void theDemoModelIsWrittenOnceAndReused(@TempDir Path dir) throws Exception {
        Path demoDir = DemoModel.ensure(dir.resolve("demo"));
        Path file = demoDir.resolve("rigpool-tiny.gguf");
        var written = Files.getLastModifiedTime(file);

        DemoModel.ensure(demoDir);

        assertEquals(written, Files.getLastModifiedTime(file));
        assertEquals(List.of("rigpool-tiny"), ModelDirectoryScanner.scan(demoDir).stream()
                .map(LocalModelFile::modelId).toList());
        try (var files = Files.list(demoDir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }
}
