package io.rigpool.planner.estimate;

import io.rigpool.gguf.shapes.RealModelShapes;

/**
 * Real-shape models for tests: each catalogue shape's header, written and read once per test JVM by
 * {@link ShapeGeometries} (which removes the file and its folder straight after).
 */
public final class Fixtures {

    private Fixtures() {
    }

    public static ModelGeometry model(String shapeName) {
        return ShapeGeometries.of(RealModelShapes.byName(shapeName));
    }
}
