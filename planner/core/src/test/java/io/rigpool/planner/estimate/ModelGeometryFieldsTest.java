package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain-field factory: a geometry rebuilt from its fields (as the planner does from a worker's hello). */
class ModelGeometryFieldsTest {

    @Test
    void aGeometryRebuiltFromItsFieldsEstimatesExactlyTheSame() {
        MemoryEstimator estimator = new MemoryEstimator();
        for (RealModelShape shape : RealModelShapes.all()) {
            ModelGeometry read = Fixtures.model(shape.name());
            ModelGeometry rebuilt = copy(read);
            for (int layers : new int[] {0, read.layers() / 2, read.layers() + 1}) {
                LoadParameters p = LoadParameters.defaults(8192).withParallelSlots(2).withGpuLayers(layers);
                assertEquals(estimator.estimate(read, p), estimator.estimate(rebuilt, p), shape.name() + " " + layers);
            }
        }
    }

    @Test
    void aShapesGeometryIsTheOneItsWrittenFileHas() {
        MemoryEstimator estimator = new MemoryEstimator();
        RealModelShape shape = RealModelShapes.byName("gemma-2-9b-it-Q4_K_M");
        LoadParameters p = LoadParameters.defaults(4096).withGpuLayers(20);
        assertEquals(estimator.estimate(Fixtures.model(shape.name()), p),
                estimator.estimate(ShapeGeometries.of(shape), p));
    }

    @Test
    void missingOrInconsistentFieldsAreNamed() {
        ModelGeometry g = Fixtures.model("Llama-3.2-1B-Instruct-Q8_0");
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> ModelGeometry.of(g.name(),
                g.architecture(), g.layers(), g.embedding(), g.vocabulary(), new int[3], new int[g.layers()],
                new int[g.layers()], g.keyLength(), g.valueLength(), 0, 4096, 0, 0, g.weights()));
        assertTrue(heads.getMessage().startsWith("heads:"), heads.getMessage());
        IllegalArgumentException layer = assertThrows(IllegalArgumentException.class, () -> ModelGeometry.of(
                g.name(), g.architecture(), 2, g.embedding(), g.vocabulary(), new int[2], new int[2], new int[2],
                g.keyLength(), g.valueLength(), 0, 4096, 0, 0, g.weights()));
        assertTrue(layer.getMessage().startsWith("tensors:") && layer.getMessage().contains("outside 0..1"),
                layer.getMessage());
        IllegalArgumentException embedding = assertThrows(IllegalArgumentException.class, () -> ModelGeometry.of(
                g.name(), g.architecture(), 0, 0, 1, new int[0], new int[0], new int[0], 1, 1, 0, 1, 0, 0, List.of()));
        assertTrue(embedding.getMessage().startsWith("embedding:"), embedding.getMessage());
        IllegalArgumentException experts = assertThrows(IllegalArgumentException.class, () -> ModelGeometry.of(
                g.name(), g.architecture(), 0, 1, 1, new int[0], new int[0], new int[0], 1, 1, 0, 1, 8, 9,
                List.of()));
        assertTrue(experts.getMessage().startsWith("expert_used_count:"), experts.getMessage());
    }

    static ModelGeometry copy(ModelGeometry g) {
        int[] heads = new int[g.layers()];
        int[] kvHeads = new int[g.layers()];
        int[] ff = new int[g.layers()];
        for (int i = 0; i < g.layers(); i++) {
            heads[i] = g.heads(i);
            kvHeads[i] = g.kvHeads(i);
            ff[i] = g.feedForward(i);
        }
        return ModelGeometry.of(g.name(), g.architecture(), g.layers(), g.embedding(), g.vocabulary(), heads, kvHeads,
                ff, g.keyLength(), g.valueLength(), g.slidingWindow(), g.trainedContext(), g.expertCount(),
                g.expertUsedCount(), g.weights());
    }
}
