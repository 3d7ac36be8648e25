package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.shapes.RealModelShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Geometries of the real-shape catalogue ({@link io.rigpool.gguf.shapes.RealModelShapes}), for what-if questions
 * about models nobody has downloaded: each shape is written once to a temporary GGUF file (a few MB, the data a
 * sparse hole), read back and the file deleted. Cached per JVM; thread-safe.
 */
public final class ShapeGeometries {

    private static final Map<String, ModelGeometry> CACHE = new ConcurrentHashMap<>();

    private ShapeGeometries() {
    }

    public static ModelGeometry of(RealModelShape shape) {
        return CACHE.computeIfAbsent(shape.name(), name -> read(shape));
    }

    private static ModelGeometry read(RealModelShape shape) {
        try {
            Path dir = Files.createTempDirectory("rigpool-shape");
            Path file = shape.write(dir);
            try {
                return ModelGeometry.of(GgufModel.open(file));
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
