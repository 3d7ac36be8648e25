package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real-shape models for tests: each catalogue shape is written once per test JVM (a few MB each: the data region
 * is a hole) and its header read into a {@link ModelGeometry}.
 */
public final class Fixtures {

    private static final Map<String, ModelGeometry> MODELS = new ConcurrentHashMap<>();
    private static Path dir;

    private Fixtures() {
    }

    public static ModelGeometry model(String shapeName) {
        return MODELS.computeIfAbsent(shapeName, name -> geometry(RealModelShapes.byName(name)));
    }

    public static ModelGeometry geometry(RealModelShape shape) {
        try {
            Path file = shape.write(directory());
            try {
                return ModelGeometry.of(GgufModel.open(file));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path directory() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("rigpool-estimate-fixtures");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }
}
